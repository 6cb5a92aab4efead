-- Mid-year population rows as loaded (reference_data.md §2, project simple layout), one row per
-- LA × mid-year × age × sex. Where several loads carry the same LA and mid-year, only the latest
-- received load counts (a corrected or newer vintage replaces the earlier one; never summed).

with

rows_loaded as (
    select
        load_id,
        source_file,
        received_at,
        la_code,
        mid_year,
        coalesce(sex, 'persons') as sex,
        age,
        population
    from {{ source('raw', 'population') }}
),

latest_load as (
    select
        la_code,
        mid_year,
        load_id,
        row_number() over (partition by la_code, mid_year order by max(received_at) desc, load_id desc) as load_rank
    from rows_loaded
    group by la_code, mid_year, load_id
)

select r.*
from rows_loaded as r
inner join latest_load as l
    on r.la_code = l.la_code and r.mid_year = l.mid_year and r.load_id = l.load_id
where l.load_rank = 1

-- Single-year population per council (reference_data.md §2 "Output"): sexes summed to persons,
-- areas rolled up to councils through ref_lad_to_cassr effective at 30 June of the mid-year (§2
-- step 4). Internal: published only as the bands in population_bands.
--   * Codes the lookup does not hold (E92 England, E12 regions, E11 metropolitan counties, W/S/N)
--     are not councils and drop out (§2 step 1).
--   * E07 districts (and old codes of an earlier vintage) sum into their council. When a council
--     has both its own row and rows of its parts, the parts are used and the council's own row only
--     where it has no parts: the two are never summed.
--   * A county-level figure for a county later split (Cumbria E10000006) maps to nothing after the
--     split, so its successors get population_missing unless district rows exist (§2 step 4).

with

estimates as (
    select * from {{ ref('stg_population__estimates') }}
),

lookup as (
    select * from {{ ref('ref_lad_to_cassr') }}
),

mapped as (
    select
        l.cassr_code as la_code,
        e.la_code as area_code,
        e.mid_year,
        e.age,
        e.population,
        e.source_file,
        e.load_id,
        e.received_at,
        case when e.la_code = l.cassr_code then 0 else 1 end as is_part
    from estimates as e
    inner join lookup as l
        on
            e.la_code = l.lad_code
            and make_date(e.mid_year, 6, 30) >= l.effective_from
            and (l.effective_to is null or make_date(e.mid_year, 6, 30) <= l.effective_to)
),

-- One load per council and mid-year: parts of one council from two vintages (e.g. Suffolk's old
-- and merged district codes in two files) must not be added together.
council_load as (
    select
        la_code,
        mid_year,
        load_id,
        row_number() over (
            partition by la_code, mid_year order by max(received_at) desc, load_id desc
        ) as load_rank
    from mapped
    group by la_code, mid_year, load_id
),

chosen as (
    select m.*
    from mapped as m
    inner join council_load as c
        on m.la_code = c.la_code and m.mid_year = c.mid_year and m.load_id = c.load_id
    where c.load_rank = 1
),

council_level as (
    select
        la_code,
        mid_year,
        max(is_part) as has_parts
    from chosen
    group by la_code, mid_year
)

select
    c.la_code,
    c.mid_year,
    c.age,
    -- bigint on both: sum(bigint) is HUGEINT on DuckDB and numeric on Postgres
    cast(sum(c.population) as bigint) as population,
    max(c.source_file) as vintage,
    'file' as source,
    max(c.load_id) as load_id
from chosen as c
inner join council_level as v
    on c.la_code = v.la_code and c.mid_year = v.mid_year
where c.is_part = v.has_parts
group by c.la_code, c.mid_year, c.age

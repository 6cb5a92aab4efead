-- Supplied place values (reference_data.md §7), one row per council × financial year × indicator
-- (× event for policy events). "A repeated la_code × year × indicator keeps the newest load": the
-- newest loaded file holding that key wins whole; within that file a repeated non-event indicator
-- keeps its last row, while every dated event of the winning file is kept (events are a list).

with

place_loads as (
    select load_id
    from {{ source('audit', 'loads') }}
    where status = 'loaded' and dataset = 'place_inputs'
    {%- if var('as_of_date') %}
        and cast(received_at as date) <= cast('{{ var("as_of_date") }}' as date)
    {%- endif %}
),

rows_loaded as (
    select p.*
    from {{ source('raw', 'place_inputs') }} as p
    inner join place_loads as l on p.load_id = l.load_id
),

newest_load as (
    select
        la_code_ons,
        financial_year,
        indicator_code,
        load_id,
        row_number() over (
            partition by la_code_ons, financial_year, indicator_code
            order by max(received_at) desc, load_id desc
        ) as load_rank
    from rows_loaded
    group by la_code_ons, financial_year, indicator_code, load_id
),

kept as (
    select
        r.*,
        row_number() over (
            partition by r.la_code_ons, r.financial_year, r.indicator_code
            order by r.row_number desc
        ) as row_rank,
        row_number() over (
            partition by r.la_code_ons, r.financial_year, r.indicator_code
            order by r.event_date, r.row_number
        ) as event_order
    from rows_loaded as r
    inner join newest_load as n
        on
            r.la_code_ons = n.la_code_ons
            and r.financial_year = n.financial_year
            and r.indicator_code = n.indicator_code
            and r.load_id = n.load_id
    where n.load_rank = 1
)

select
    load_id,
    source_file,
    row_number,
    received_at,
    la_code_ons as la_code,
    financial_year,
    year as year_as_supplied,
    indicator_code,
    indicator_type,
    -- 0 for a single-valued indicator; 1, 2 ... for the dated events of a year in date order
    cast(case when indicator_type = 'event' then event_order else 0 end as integer) as event_seq,
    value_number,
    value_text,
    unit,
    event_date,
    source,
    note
from kept
where indicator_type = 'event' or row_rank = 1

-- One row per stored scenario × council it applies to (its la_code, or every council with service
-- costs), with the base quarter: the file's base_quarter, else the council's latest quarter of
-- service costs (the issue: "latest-quarter weekly cost × weeks"), and the baseline metric year:
-- the latest financial year ending by the base quarter end (context.md §3 (d) metric changes).

with

definitions as (
    select * from {{ ref('stg_scenarios__definitions') }}
),

councils as (
    select la_code, max(quarter_start) as latest_quarter_start
    from {{ ref('int_cld__service_costs') }}
    group by la_code
),

based as (
    select
        d.*,
        c.la_code as run_la_code,
        coalesce(d.base_quarter_start, c.latest_quarter_start) as base_start
    from definitions as d
    inner join councils as c on d.la_code is null or d.la_code = c.la_code
)

select
    scenario_id,
    scenario_name,
    scenario_description,
    run_la_code as la_code,
    base_start as base_quarter_start,
    {{ add_days(dbt.dateadd('month', 3, 'base_start'), -1) }} as base_quarter_end,
    base_quarter_start is null as is_latest_quarter,
    years,
    weeks_per_year,
    price_uplift_percent,
    demand_growth_percent,
    source_file,
    file_sha256,
    loaded_at
from based

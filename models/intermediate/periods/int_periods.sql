-- The reporting periods of each LA (metrics.md §8 "Periods"), from the quarters joined-mode
-- selection found files for:
--   quarter        every quarter inside the covered span (waiting times are per quarter);
--   rolling_12m    the 12 months to every covered quarter end (the quarterly trend series);
--   financial_year the 12 months to 31 March, only for years the data cover whole.
-- A period inside the span with a quarter no file covers whole is kept with
-- is_fully_covered = false, so its metrics can say no_covering_submission instead of vanishing.

with

quarters as (
    select
        la_code,
        quarter_start,
        quarter_end,
        covers_whole_quarter
    from {{ ref('int_cld__quarter_selection') }}
),

bounds as (
    select
        la_code,
        min(quarter_start) as data_start_date,
        max(quarter_end) as data_end_date
    from quarters
    where covers_whole_quarter
    group by la_code
),

period_ends as (
    select
        q.la_code,
        q.quarter_start,
        q.quarter_end,
        b.data_start_date,
        b.data_end_date
    from quarters as q
    inner join bounds as b on q.la_code = b.la_code
    where q.quarter_start >= b.data_start_date and q.quarter_end <= b.data_end_date
),

candidates as (
    select
        la_code,
        'quarter' as period_type,
        quarter_start as period_start,
        quarter_end as period_end,
        data_start_date,
        data_end_date
    from period_ends
    union all
    select
        pe.la_code,
        kinds.period_type,
        cast({{ dbt.dateadd('month', -12, add_days('pe.quarter_end', 1)) }} as date) as period_start,
        pe.quarter_end as period_end,
        pe.data_start_date,
        pe.data_end_date
    from period_ends as pe
    cross join (values ('rolling_12m'), ('financial_year')) as kinds (period_type)
    where kinds.period_type = 'rolling_12m' or extract(month from pe.quarter_end) = 3
),

in_span as (
    select * from candidates
    where period_start >= data_start_date
),

coverage as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        count(*) as quarters,
        sum(case when q.covers_whole_quarter then 1 else 0 end) as covered_quarters
    from in_span as p
    inner join quarters as q
        on p.la_code = q.la_code and q.quarter_start between p.period_start and p.period_end
    group by p.la_code, p.period_type, p.period_start
)

select
    p.la_code,
    p.period_type,
    p.period_start,
    p.period_end,
    {{ financial_year_label('p.period_end') }} as financial_year,
    {{ days_between('p.period_start', 'p.period_end') }} + 1 as period_days,
    p.data_start_date,
    p.data_end_date,
    c.quarters = c.covered_quarters as is_fully_covered,
    p.period_end = p.data_end_date as is_latest
from in_span as p
inner join coverage as c
    on p.la_code = c.la_code and p.period_type = c.period_type and p.period_start = c.period_start

-- Submission selection, joined mode (processing_rules.md §2): split each LA's span of data into
-- quarters and, for each quarter, pick the latest accepted file whose derived period covers it.
-- A quarter that no file covers whole falls back to the latest file overlapping it
-- (covers_whole_quarter = false), so no submitted activity is silently lost.

with

files as (
    select
        load_id,
        la_code,
        received_at,
        derived_period_start,
        derived_period_end
    from {{ ref('stg_audit__loads') }}
    where
        dataset = 'cld'
        and status = 'loaded'
        and derived_period_start is not null
        {%- if var('as_of_date') %}
        and cast(received_at as date) <= cast('{{ var("as_of_date") }}' as date)
        {%- endif %}
),

bounds as (
    select
        la_code,
        {{ quarter_start('min(derived_period_start)') }} as first_quarter,
        max(derived_period_end) as last_day
    from files
    group by la_code
),

quarter_starts as (
    select
        b.la_code,
        cast({{ dbt.dateadd('month', '3 * i.n', 'b.first_quarter') }} as date) as quarter_start,
        b.last_day
    from bounds as b
    cross join ({{ integers(400) }}) as i
),

quarters as (
    select
        la_code,
        quarter_start,
        {{ quarter_end('quarter_start') }} as quarter_end
    from quarter_starts
    where quarter_start <= last_day
),

candidates as (
    select
        q.la_code,
        q.quarter_start,
        q.quarter_end,
        f.load_id,
        f.received_at,
        (f.derived_period_start <= q.quarter_start and f.derived_period_end >= q.quarter_end) as covers_whole_quarter
    from quarters as q
    inner join files as f
        on
            q.la_code = f.la_code
            and f.derived_period_start <= q.quarter_end
            and f.derived_period_end >= q.quarter_start
),

ranked as (
    select
        *,
        row_number() over (
            partition by la_code, quarter_start
            order by
                case when covers_whole_quarter then 0 else 1 end,
                received_at desc,
                load_id desc
        ) as selection_rank
    from candidates
)

select
    la_code,
    quarter_start,
    quarter_end,
    load_id,
    received_at,
    covers_whole_quarter,
    quarter_start = max(quarter_start) over (partition by la_code) as is_final_quarter
from ranked
where selection_rank = 1

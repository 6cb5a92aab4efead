-- Partial resubmissions make counts drop silently (processing_rules.md §2). For each CLD file and
-- the LA's previous file (by received_at), compare the events ending in each month both derived
-- periods cover; a fall of more than var('resubmission_drop_warn_share') is flagged for review
-- (a warn-severity dbt test reports it on every build).

with

loads as (
    select
        load_id,
        la_code,
        received_at,
        derived_period_start,
        derived_period_end,
        lag(load_id) over (partition by la_code order by received_at, load_id) as previous_load_id
    from {{ ref('stg_audit__loads') }}
    where dataset = 'cld' and status = 'loaded' and derived_period_start is not null
),

monthly as (
    select
        load_id,
        {{ dbt.date_trunc('month', 'event_end_date') }} as event_month,
        count(*) as events
    from {{ ref('stg_cld__events') }}
    where event_end_date is not null
    group by 1, 2
),

compared as (
    select
        l.la_code,
        l.load_id,
        l.previous_load_id,
        cast(p.event_month as date) as event_month,
        p.events as previous_events,
        coalesce(c.events, 0) as events
    from loads as l
    inner join loads as prev on l.previous_load_id = prev.load_id
    inner join monthly as p on l.previous_load_id = p.load_id
    left join monthly as c on l.load_id = c.load_id and p.event_month = c.event_month
    where
        cast(p.event_month as date) >= greatest(l.derived_period_start, prev.derived_period_start)
        and cast(p.event_month as date) <= least(l.derived_period_end, prev.derived_period_end)
)

select
    {{ surrogate_key(['load_id', 'event_month']) }} as resubmission_month_key,
    la_code,
    load_id,
    previous_load_id,
    event_month,
    previous_events,
    events,
    -- events lost as a share of the previous file's count (exact integer comparison below)
    (previous_events - events) * 100 > {{ (var('resubmission_drop_warn_share') * 100) | int }} * previous_events
        as is_drop_warning
from compared

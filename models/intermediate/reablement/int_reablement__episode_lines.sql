-- Service users' 'Short term support: ST-Max' lines, each with the reablement episode (cluster) it
-- belongs to (processing_rules.md §8.5.1). Lines are sorted by start, end and outcome rank; a line
-- joins the current cluster when it starts no more than the cluster gap after the LATEST end so far
-- (overlapping or consecutive lines), otherwise it opens a new cluster.
-- Open lines have no end: for clustering (and only there) their end is the end of the LA's data
-- (int_periods.data_end_date; PR §3.7 "an open service's effective end is the period end"), so
-- anything starting after an open line joins its cluster and the cluster stays open.
-- Grain: one row per ST-Max line (event_key).

{%- set gap_days = reablement_cluster_gap_days() %}
{%- set line_order = 'event_start_date, clustering_end_date, event_outcome_rank nulls last, event_key' %}

with

data_bounds as (
    select distinct
        la_code,
        data_end_date
    from {{ ref('int_periods') }}
),

stmax_lines as (
    select
        e.event_key,
        e.la_code,
        e.person_key,
        e.event_start_date,
        e.event_end_date,
        -- never before the start: a line starting after the last covered quarter ends where it starts
        greatest(e.event_start_date, coalesce(e.event_end_date, b.data_end_date, e.derived_period_end))
            as clustering_end_date,
        e.event_outcome,
        e.event_outcome_group,
        e.event_outcome_rank,
        e.service_type,
        e.service_component,
        e.birth_year,
        e.birth_month,
        e.person_date_of_death
    from {{ ref('int_cld__events_enriched') }} as e
    left join data_bounds as b on e.la_code = b.la_code
    where
        e.event_type = 'Service'
        and e.service_type = 'Short term support: ST-Max'
        and e.client_type_group = 'Service user'
),

with_latest_end_so_far as (
    select
        *,
        max(clustering_end_date) over (
            partition by la_code, person_key
            order by {{ line_order }}
            rows between unbounded preceding and 1 preceding
        ) as latest_end_so_far
    from stmax_lines
),

cluster_starts as (
    select
        *,
        case
            when latest_end_so_far is null then 1
            when {{ days_between('latest_end_so_far', 'event_start_date') }} > {{ gap_days }} then 1
            else 0
        end as starts_cluster
    from with_latest_end_so_far
),

numbered as (
    select
        *,
        sum(starts_cluster) over (
            partition by la_code, person_key
            order by {{ line_order }}
            rows between unbounded preceding and current row
        ) as cluster_number
    from cluster_starts
),

with_episode_start as (
    select
        *,
        min(event_start_date) over (partition by la_code, person_key, cluster_number) as episode_start_date
    from numbered
)

select
    {{ surrogate_key(['la_code', 'person_key', 'episode_start_date']) }} as episode_key,
    event_key,
    la_code,
    person_key,
    episode_start_date,
    event_start_date,
    event_end_date,
    clustering_end_date,
    latest_end_so_far,
    event_outcome,
    event_outcome_group,
    event_outcome_rank,
    service_type,
    service_component,
    birth_year,
    birth_month,
    person_date_of_death
from with_episode_start

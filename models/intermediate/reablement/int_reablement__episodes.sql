-- One row per reablement (ST-Max) episode: a cluster of a service user's ST-Max lines
-- (processing_rules.md §8.5.1, lines and clustering in int_reablement__episode_lines).
--   end        the latest end of its lines; NULL while any line is open (an open episode has no
--              end, so it is never counted as ending in a period);
--   outcome    of the line with the latest end (ties: outcome rank) (§8.5.1);
--   age        at the episode end (§8.5.2; open episodes: at the end of the data, for information);
--   alive      the person had not died before the episode start (§8.5.2);
--   new client no long-term line (Nursing, Residential, Community, Prison) that started before the
--              episode start and is open, ends after it, or ended fewer than
--              stmax_new_client_lookback_days (91) before it (§8.5.3; metrics.md ASCOF_2A).

{%- set lookback_days = var('stmax_new_client_lookback_days') %}

with

lines as (
    select * from {{ ref('int_reablement__episode_lines') }}
),

episode_spans as (
    select
        episode_key,
        la_code,
        person_key,
        min(episode_start_date) as episode_start_date,
        case when count(event_end_date) = count(*) then max(event_end_date) end as episode_end_date,
        max(clustering_end_date) as clustering_end_date,
        count(*) as lines_in_episode
    from lines
    group by episode_key, la_code, person_key
),

-- the line with the latest end gives the episode outcome (ties: best outcome rank)
outcome_lines as (
    select
        episode_key,
        event_outcome,
        event_outcome_group,
        event_outcome_rank,
        birth_year,
        birth_month,
        person_date_of_death,
        row_number() over (
            partition by episode_key
            order by clustering_end_date desc, event_outcome_rank asc nulls last, event_start_date desc, event_key asc
        ) as outcome_order
    from lines
),

episodes as (
    select
        s.*,
        o.event_outcome as episode_outcome,
        o.event_outcome_group as episode_outcome_group,
        o.event_outcome_rank as episode_outcome_rank,
        o.person_date_of_death as date_of_death,
        {{ age_at('o.birth_year', 'o.birth_month', 'coalesce(s.episode_end_date, s.clustering_end_date)') }}
            as age_at_episode_end
    from episode_spans as s
    inner join outcome_lines as o on s.episode_key = o.episode_key and o.outcome_order = 1
),

long_term_lines as (
    select
        la_code,
        person_key,
        event_start_date,
        event_end_date
    from {{ ref('int_cld__events_enriched') }}
    where
        event_type = 'Service'
        and service_type in (
            'Long term support: Nursing care',
            'Long term support: Residential care',
            'Long term support: Community',
            'Long term support: Prison'
        )
),

-- §8.5.3: a long-term line started before the episode and open, ending after its start, or ended
-- fewer than the look-back days before it (90 days before: existing; 91: new)
existing_clients as (
    select distinct e.episode_key
    from episodes as e
    inner join long_term_lines as l
        on
            e.la_code = l.la_code
            and e.person_key = l.person_key
            and l.event_start_date < e.episode_start_date
            and (
                l.event_end_date is null
                or l.event_end_date > {{ add_days('e.episode_start_date', -lookback_days) }}
            )
)

select
    e.episode_key,
    e.la_code,
    e.person_key,
    e.episode_start_date,
    e.episode_end_date,
    e.clustering_end_date,
    e.episode_end_date is null as is_open,
    e.lines_in_episode,
    e.episode_outcome,
    e.episode_outcome_group,
    e.episode_outcome_rank,
    e.age_at_episode_end,
    {{ working_age_band('e.age_at_episode_end') }} as working_age_band,
    e.date_of_death,
    (e.date_of_death is null or e.date_of_death >= e.episode_start_date) as is_alive_at_start,
    x.episode_key is null as is_new_client
from episodes as e
left join existing_clients as x on e.episode_key = x.episode_key

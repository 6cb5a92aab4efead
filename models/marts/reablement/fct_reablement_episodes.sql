-- One row per reablement (ST-Max) episode with its sequel and ASCOF 2A flags (marts.md
-- fct_reablement_episodes; processing_rules.md §8.5; metrics.md ASCOF_2A). Restricted: person-level.
-- in_ascof_2a_denominator / _numerator: completed episode, 18+ or unknown age at its end, alive at
-- its start, new client, and the sequel in the counted lists of the ascof_2a_method setting
-- (macros/reablement.sql). Whether the episode ends in a given period is left to the reader.

with

episodes as (
    select * from {{ ref('int_reablement__episodes') }}
),

sequels as (
    select
        episode_key,
        sequel,
        sequel_rule
    from {{ ref('int_reablement__sequels') }}
),

flagged as (
    select
        e.*,
        s.sequel,
        s.sequel_rule,
        (
            not e.is_open
            and e.is_alive_at_start
            and e.is_new_client
            and (e.age_at_episode_end is null or e.age_at_episode_end >= 18)
        ) as in_ascof_2a_population
    from episodes as e
    inner join sequels as s on e.episode_key = s.episode_key
)

select
    episode_key,
    person_key,
    la_code,
    episode_start_date,
    episode_end_date,
    lines_in_episode,
    episode_outcome,
    age_at_episode_end,
    working_age_band,
    is_alive_at_start,
    is_new_client,
    sequel,
    sequel_rule,
    in_ascof_2a_population and {{ stmax_value_in('sequel', ascof_2a_denominator_sequels()) }}
        as in_ascof_2a_denominator,
    in_ascof_2a_population and {{ stmax_value_in('sequel', ascof_2a_numerator_sequels()) }}
        as in_ascof_2a_numerator
from flagged

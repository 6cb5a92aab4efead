{{ metric_partitioned() }}
-- Metric cells of the reablement family (metrics.md ASCOF_2A and ST_MAX_EPISODES) in the shared
-- metric-cells interface: one row per la_code x period x metric_id x breakdown x breakdown_value,
-- exact counts only (values, rounding and suppression are computed downstream).
-- Episodes count in the period their END falls in (PR §8.5.1; open episodes have no end and never
-- count). Both metrics take completed service-user episodes, 18+ or unknown age at the end, alive at
-- the start; ASCOF_2A keeps new clients only.
--   ST_MAX_EPISODES  numerator = episodes; breakdowns total, client_status (New/Existing), sequel,
--                    working_age_band.
--   ASCOF_2A         total and working_age_band: numerator/denominator by the ascof_2a_method lists;
--                    sequel: episodes of the 2A population per sequel INCLUDING the excluded
--                    categories (counts published beside the %), denominator NULL, not_applicable.
-- null_reason: no_covering_submission when a quarter of the period has no covering file;
-- insufficient_lookback for ASCOF_2A when period_start - stmax_new_client_lookback_days is before the
-- data start (the new-client test cannot see far enough back).
-- is_provisional: period_end + the sequel window passes the end of the data.
-- dq (metrics.md §1.1, §8): the episodes' ST-Max lines; failed = event_outcome or service_type blank
-- or 'Invalid and not mapped'.

{%- set window_days = reablement_sequel_window_days() %}
{%- set lookback_days = var('stmax_new_client_lookback_days') %}

with

periods as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        data_start_date,
        data_end_date,
        is_fully_covered
    from {{ metric_periods() }}
    where period_type in ('financial_year', 'rolling_12m')
),

line_quality as (
    select
        episode_key,
        count(*) as dq_rows,
        count(*) filter (
            where
                event_outcome is null or trim(event_outcome) = '' or event_outcome = 'Invalid and not mapped'
                or service_type is null or trim(service_type) = '' or service_type = 'Invalid and not mapped'
        ) as dq_failed
    from {{ ref('int_reablement__episode_lines') }}
    group by episode_key
),

counted_episodes as (
    select
        e.episode_key,
        e.la_code,
        e.episode_end_date,
        e.working_age_band,
        e.is_new_client,
        s.sequel,
        {{ stmax_value_in('s.sequel', ascof_2a_denominator_sequels()) }} as in_2a_denominator,
        {{ stmax_value_in('s.sequel', ascof_2a_numerator_sequels()) }} as in_2a_numerator,
        q.dq_rows,
        q.dq_failed
    from {{ ref('int_reablement__episodes') }} as e
    inner join {{ ref('int_reablement__sequels') }} as s on e.episode_key = s.episode_key
    inner join line_quality as q on e.episode_key = q.episode_key
    where
        not e.is_open
        and e.is_alive_at_start
        and (e.age_at_episode_end is null or e.age_at_episode_end >= 18)
),

in_period as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        e.episode_key,
        e.working_age_band,
        e.is_new_client,
        e.sequel,
        e.in_2a_numerator,
        e.in_2a_denominator,
        e.dq_rows,
        e.dq_failed
    from periods as p
    inner join counted_episodes as e
        on p.la_code = e.la_code and e.episode_end_date between p.period_start and p.period_end
),

-- one row per episode per cell it counts in: every episode in the four ST_MAX_EPISODES breakdowns,
-- new clients also in the three ASCOF_2A ones
cell_members as (
    select
        e.la_code,
        e.period_type,
        e.period_start,
        b.metric_id,
        b.breakdown,
        case b.breakdown
            when 'total' then 'Total'
            when 'client_status' then case when e.is_new_client then 'New' else 'Existing' end
            when 'sequel' then e.sequel
            when 'working_age_band' then e.working_age_band
        end as breakdown_value,
        e.in_2a_numerator,
        e.in_2a_denominator,
        e.dq_rows,
        e.dq_failed
    from in_period as e
    cross join (
        values
        ('ST_MAX_EPISODES', 'total'),
        ('ST_MAX_EPISODES', 'client_status'),
        ('ST_MAX_EPISODES', 'sequel'),
        ('ST_MAX_EPISODES', 'working_age_band'),
        ('ASCOF_2A', 'total'),
        ('ASCOF_2A', 'working_age_band'),
        ('ASCOF_2A', 'sequel')
    ) as b (metric_id, breakdown)
    where b.metric_id = 'ST_MAX_EPISODES' or e.is_new_client
),

cell_counts as (
    select
        la_code,
        period_type,
        period_start,
        metric_id,
        breakdown,
        breakdown_value,
        count(*) as episodes,
        count(*) filter (where in_2a_numerator) as numerator_episodes,
        count(*) filter (where in_2a_denominator) as denominator_episodes,
        sum(dq_rows) as dq_rows,
        sum(dq_failed) as dq_failed
    from cell_members
    group by la_code, period_type, period_start, metric_id, breakdown, breakdown_value
),

-- the headline row of both metrics for every period, even with no episodes
headline_frame as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        m.metric_id,
        'total' as breakdown,
        'Total' as breakdown_value
    from periods as p
    cross join (values ('ASCOF_2A'), ('ST_MAX_EPISODES')) as m (metric_id)
),

cells as (
    select
        f.la_code,
        f.period_type,
        f.period_start,
        f.metric_id,
        f.breakdown,
        f.breakdown_value,
        coalesce(c.episodes, 0) as episodes,
        coalesce(c.numerator_episodes, 0) as numerator_episodes,
        coalesce(c.denominator_episodes, 0) as denominator_episodes,
        coalesce(c.dq_rows, 0) as dq_rows,
        coalesce(c.dq_failed, 0) as dq_failed
    from headline_frame as f
    left join cell_counts as c
        on
            f.la_code = c.la_code
            and f.period_type = c.period_type
            and f.period_start = c.period_start
            and f.metric_id = c.metric_id
            and f.breakdown = c.breakdown
    union all
    select
        la_code,
        period_type,
        period_start,
        metric_id,
        breakdown,
        breakdown_value,
        episodes,
        numerator_episodes,
        denominator_episodes,
        dq_rows,
        dq_failed
    from cell_counts
    where breakdown <> 'total'
)

select
    cast(c.la_code as varchar) as la_code,
    cast(c.period_type as varchar) as period_type,
    cast(p.period_start as date) as period_start,
    cast(p.period_end as date) as period_end,
    cast(c.metric_id as varchar) as metric_id,
    cast(c.breakdown as varchar) as breakdown,
    cast(c.breakdown_value as varchar) as breakdown_value,
    cast(
        case
            when c.metric_id = 'ASCOF_2A' and c.breakdown <> 'sequel' then c.numerator_episodes
            else c.episodes
        end as bigint
    ) as numerator,
    cast(
        case when c.metric_id = 'ASCOF_2A' and c.breakdown <> 'sequel' then c.denominator_episodes end as bigint
    ) as denominator,
    cast(null as decimal(18, 4)) as median_days,
    cast(
        case
            when not p.is_fully_covered then 'no_covering_submission'
            when
                c.metric_id = 'ASCOF_2A'
                and {{ add_days('p.period_start', -lookback_days) }} < p.data_start_date
                then 'insufficient_lookback'
            when c.metric_id = 'ASCOF_2A' and c.breakdown = 'sequel' then 'not_applicable'
        end as varchar
    ) as null_reason,
    {{ add_days('p.period_end', window_days) }} > p.data_end_date as is_provisional,
    cast(c.dq_rows as bigint) as dq_rows,
    cast(c.dq_failed as bigint) as dq_failed
from cells as c
inner join periods as p
    on c.la_code = p.la_code and c.period_type = p.period_type and c.period_start = p.period_start

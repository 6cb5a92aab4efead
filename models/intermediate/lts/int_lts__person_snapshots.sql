{{ metric_partitioned() }}
-- One row per person, reporting period (financial_year and rolling_12m) and long-term support
-- snapshot (processing_rules.md §10):
--   during_period   a long-term line active at some point in the period; alive at the period start
--   at_period_end   a line open on the period end date; alive on that date
--   over_12_months  in at_period_end and covered by long-term lines without a break from the day
--                   before the period start to the period end (one line, or a chain whose lines
--                   each start at most lts_chain_max_gap_days after the reach of the ones before)
-- Each row carries the person's one setting (§9): the top rank among the lines active in the
-- period (during_period) or on the period end date (the other two), and the person's §6
-- attributes as of the period end.

{%- set far_future = "cast('9999-12-31' as date)" %}

with

periods as (
    select la_code, period_type, period_start, period_end, financial_year, data_start_date
    from {{ metric_periods() }}
    where period_type in ('financial_year', 'rolling_12m')
),

lines as (
    select * from {{ ref('int_lts__lines') }}
),

data_starts as (
    select distinct la_code, data_start_date from periods
),

-- §10 first year of data: a line starting on the data start date counts as started the day
-- before (councils date pre-existing packages from the start of their first return)
chain_lines as (
    select
        l.la_code,
        l.person_key,
        l.event_key,
        case
            when l.line_start_date = d.data_start_date then {{ add_days('d.data_start_date', -1) }}
            else l.line_start_date
        end as chain_start,
        coalesce(l.line_end_date, {{ far_future }}) as chain_end
    from lines as l
    inner join data_starts as d on l.la_code = d.la_code
),

-- gaps and islands: the furthest end reached by the person's earlier lines
chain_reach as (
    select
        *,
        max(chain_end) over (
            partition by la_code, person_key
            order by chain_start, chain_end, event_key
            rows between unbounded preceding and 1 preceding
        ) as previous_reach
    from chain_lines
),

chain_breaks as (
    select
        *,
        case
            when previous_reach is null then 1
            when {{ days_between('previous_reach', 'chain_start') }} > {{ var('lts_chain_max_gap_days') }} then 1
            else 0
        end as starts_spell
    from chain_reach
),

chain_numbered as (
    select
        *,
        sum(starts_spell) over (
            partition by la_code, person_key
            order by chain_start, chain_end, event_key
            rows between unbounded preceding and current row
        ) as spell_number
    from chain_breaks
),

spells as (
    select
        la_code,
        person_key,
        spell_number,
        min(chain_start) as spell_start,
        max(chain_end) as spell_end
    from chain_numbered
    group by la_code, person_key, spell_number
),

-- people continuously supported from the day before the period start to the period end
covered_12_months as (
    select distinct
        s.la_code,
        s.person_key,
        p.period_type,
        p.period_start
    from spells as s
    inner join periods as p
        on
            s.la_code = p.la_code
            and s.spell_start <= {{ add_days('p.period_start', -1) }}
            and s.spell_end >= p.period_end
),

active_lines as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        p.financial_year,
        l.person_key,
        l.event_key,
        l.setting_rank,
        l.support_setting,
        l.delivery_mechanism,
        l.line_start_date,
        l.is_community,
        l.is_mechanism_unknown,
        l.person_date_of_death,
        l.line_end_date is null or l.line_end_date >= p.period_end as is_open_at_period_end
    from lines as l
    inner join periods as p
        on
            l.la_code = p.la_code
            and l.line_start_date <= p.period_end
            and (l.line_end_date is null or l.line_end_date >= p.period_start)
),

snapshot_lines as (
    select 'during_period' as snapshot, a.*
    from active_lines as a
    where a.person_date_of_death is null or a.person_date_of_death >= a.period_start

    union all

    select 'at_period_end' as snapshot, a.*
    from active_lines as a
    where a.is_open_at_period_end and (a.person_date_of_death is null or a.person_date_of_death >= a.period_end)

    union all

    select 'over_12_months' as snapshot, a.*
    from active_lines as a
    inner join covered_12_months as c
        on
            a.la_code = c.la_code and a.person_key = c.person_key
            and a.period_type = c.period_type and a.period_start = c.period_start
    where a.is_open_at_period_end and (a.person_date_of_death is null or a.person_date_of_death >= a.period_end)
),

-- §9: the top-ranked line gives the setting (ties: the latest start, then the key, for a stable pick)
ranked_lines as (
    select
        *,
        row_number() over (
            partition by la_code, person_key, period_type, period_start, snapshot
            order by setting_rank asc, line_start_date desc, event_key asc
        ) as line_rank,
        count(*) filter (where is_community) over (
            partition by la_code, person_key, period_type, period_start, snapshot
        ) as community_lines,
        count(*) filter (where is_mechanism_unknown) over (
            partition by la_code, person_key, period_type, period_start, snapshot
        ) as community_lines_mechanism_unknown
    from snapshot_lines
),

attributes as (
    select * from {{ ref('int_people__period_attributes') }}
)

select
    r.la_code,
    r.person_key,
    r.period_type,
    r.period_start,
    r.period_end,
    r.financial_year,
    r.snapshot,
    r.support_setting,
    r.setting_rank,
    r.delivery_mechanism,
    r.event_key as top_event_key,
    r.community_lines,
    r.community_lines_mechanism_unknown,
    coalesce(a.primary_support_reason, 'Unknown') as primary_support_reason,
    coalesce(a.psr_group, 'Unknown') as psr_group,
    a.age_at_period_end,
    coalesce(a.age_band, 'Unknown') as age_band,
    coalesce(a.working_age_band, 'Unknown') as working_age_band,
    coalesce(a.gender, 'Unknown (not recorded)') as gender,
    coalesce(a.ethnicity_group, 'No data') as ethnicity_group,
    r.person_date_of_death as date_of_death
from ranked_lines as r
left join attributes as a
    on
        r.la_code = a.la_code and r.person_key = a.person_key
        and r.period_type = a.period_type and r.period_start = a.period_start
where r.line_rank = 1

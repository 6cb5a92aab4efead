{{ metric_partitioned() }}
-- People newly entering long-term support (metrics.md NEW_LTS_PEOPLE_PER_WEEK): one row per person
-- and reporting period (financial_year, rolling_12m) for service users aged 18+ or of unknown age
-- at the start of a long-term line that starts in the period with no long-term line of theirs
-- active in the 365 days before that start. Each person once, at the first qualifying start; the
-- setting is that line's (§9; the top rank when several qualifying lines start that day).
-- Ages are taken at the line start, as event-based measures do (processing_rules.md §12).

with

periods as (
    select la_code, period_type, period_start, period_end, financial_year, data_start_date
    from {{ metric_periods() }}
    where period_type in ('financial_year', 'rolling_12m')
),

lines as (
    select * from {{ ref('int_lts__lines') }}
),

-- lines that start an entry into long-term support (shared with the Three Conversations
-- cost-avoidance mart: macros/lts_entries.sql)
entries as (
    {{ new_lts_entry_lines('lines') }}
),

entries_in_period as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        p.financial_year,
        {{ add_days('p.period_start', -365) }} >= p.data_start_date as has_full_lookback,
        e.person_key,
        e.event_key,
        e.line_start_date,
        e.setting_rank,
        e.support_setting,
        e.age_at_event_start,
        row_number() over (
            partition by p.la_code, p.period_type, p.period_start, e.person_key
            order by e.line_start_date, e.setting_rank, e.event_key
        ) as entry_rank
    from entries as e
    inner join periods as p
        on e.la_code = p.la_code and e.line_start_date between p.period_start and p.period_end
)

select
    la_code,
    period_type,
    period_start,
    period_end,
    financial_year,
    person_key,
    event_key,
    line_start_date as entry_date,
    setting_rank,
    support_setting,
    age_at_event_start as age_at_entry,
    {{ working_age_band('age_at_event_start') }} as working_age_band,
    has_full_lookback
from entries_in_period
where entry_rank = 1

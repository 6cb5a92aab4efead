{{ metric_partitioned() }}
-- Metric cells of the long-term support family for commissioning_metrics (one row per LA, period,
-- metric, breakdown and value; exact counts, no rounding or suppression):
--   LTS_PEOPLE_DURING_YEAR / _AT_YEAR_END / _OVER_12_MONTHS  people in the §10 snapshots (counts)
--   ASCOF_3D_1A / ASCOF_3D_2A  clients 18+ (or unknown age) in long-term support at the period end
--       whose top setting is Community (ranks 3-6) = denominator; numerators DP + managed PB (1A)
--       and DP (2A) (metrics.md §3)
--   NEW_LTS_PEOPLE_PER_WEEK    people newly in long-term support (numerator; the weeks are applied
--       downstream from period_days)
-- Unknown values get their own rows and count in the total (metrics.md §8). Every period gets a
-- headline row, 0 when nobody qualifies.
--
-- dq_rows / dq_failed (metrics.md §1.1, §8):
--   LTS counts and new entrants: the headline depends on no optional field (0 failed); a breakdown
--     is as good as its field, so every row of a breakdown carries the people of the metric and
--     those whose value is unknown (setting: mechanism unknown; PSR, age: Unknown; gender: Unknown
--     (not recorded); ethnicity: No data).
--   ASCOF 3D: the denominator people's community lines open at the period end, and of those the
--     lines with a blank or invalid mechanism and no Direct payment component (they sit in the
--     denominator as mechanism unknown and depress the value).

{%- set lts_breakdowns = ['total', 'support_setting', 'psr_group', 'age_band', 'working_age_band', 'gender', 'ethnicity_group'] %}
{%- set unknown_tests = {
    'total': 'false',
    'support_setting': 'setting_rank in (6, 9)',
    'psr_group': "psr_group = 'Unknown'",
    'age_band': "age_band = 'Unknown'",
    'working_age_band': "working_age_band = 'Unknown'",
    'gender': "gender = 'Unknown (not recorded)'",
    'ethnicity_group': "ethnicity_group = 'No data'",
} %}

with

periods as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        is_fully_covered,
        -- NEW_LTS_PEOPLE_PER_WEEK looks back 365 days before each start (metrics.md §5)
        {{ add_days('period_start', -365) }} < data_start_date as lacks_lookback
    from {{ metric_periods() }}
    where period_type in ('financial_year', 'rolling_12m')
),

snapshots as (
    select * from {{ ref('int_lts__person_snapshots') }}
),

-- one row per counted person and metric, with every breakdown attribute
counted_people as (
    select
        la_code,
        period_type,
        period_start,
        case snapshot
            when 'during_period' then 'LTS_PEOPLE_DURING_YEAR'
            when 'at_period_end' then 'LTS_PEOPLE_AT_YEAR_END'
            else 'LTS_PEOPLE_OVER_12_MONTHS'
        end as metric_id,
        setting_rank,
        support_setting,
        psr_group,
        age_band,
        working_age_band,
        gender,
        ethnicity_group
    from snapshots

    union all

    select
        la_code,
        period_type,
        period_start,
        'NEW_LTS_PEOPLE_PER_WEEK' as metric_id,
        setting_rank,
        support_setting,
        cast(null as varchar) as psr_group,
        cast(null as varchar) as age_band,
        working_age_band,
        cast(null as varchar) as gender,
        cast(null as varchar) as ethnicity_group
    from {{ ref('int_lts__new_entrants') }}
),

count_cells as (
    {%- for breakdown in lts_breakdowns %}
    select
        la_code,
        period_type,
        period_start,
        metric_id,
        '{{ breakdown }}' as breakdown,
        {{ "'Total'" if breakdown == 'total' else breakdown }} as breakdown_value,
        count(*) as people,
        count(*) filter (where {{ unknown_tests[breakdown] }}) as unknown_people
    from counted_people
    -- new entrants carry only setting and working age band; their other attributes are null
    where {{ 'true' if breakdown == 'total' else breakdown ~ ' is not null' }}
    group by la_code, period_type, period_start, metric_id{{ '' if breakdown == 'total' else ', ' ~ breakdown }}
    {%- if not loop.last %}

    union all
    {% endif %}
    {%- endfor %}
),

count_rows as (
    select
        la_code,
        period_type,
        period_start,
        metric_id,
        breakdown,
        breakdown_value,
        people as numerator,
        cast(null as bigint) as denominator,
        sum(people) over (partition by la_code, period_type, period_start, metric_id, breakdown) as dq_rows,
        sum(unknown_people) over (partition by la_code, period_type, period_start, metric_id, breakdown) as dq_failed
    from count_cells
),

-- ASCOF 3D clients (metrics.md §3): alive with a line open at the period end, 18+ or unknown age,
-- top setting Community (ranks 3-6, mechanism unknown included)
ascof_3d_clients as (
    select *
    from snapshots
    where
        snapshot = 'at_period_end'
        and (age_at_period_end is null or age_at_period_end >= 18)
        and setting_rank between 3 and 6
),

ascof_3d_cells as (
    {%- for breakdown in ['total', 'working_age_band', 'psr_group'] %}
    select
        c.la_code,
        c.period_type,
        c.period_start,
        m.metric_id,
        '{{ breakdown }}' as breakdown,
        {{ "'Total'" if breakdown == 'total' else 'c.' ~ breakdown }} as breakdown_value,
        count(*) filter (where c.setting_rank <= m.top_numerator_rank) as numerator,
        count(*) as denominator,
        sum(c.community_lines) as dq_rows,
        sum(c.community_lines_mechanism_unknown) as dq_failed
    from ascof_3d_clients as c
    -- 3D_1A counts Direct Payment and CASSR managed personal budget (ranks 3-4), 3D_2A Direct Payment only
    cross join (values ('ASCOF_3D_1A', 4), ('ASCOF_3D_2A', 3)) as m (metric_id, top_numerator_rank)
    group by c.la_code, c.period_type, c.period_start, m.metric_id{{ '' if breakdown == 'total' else ', c.' ~ breakdown }}
    {%- if not loop.last %}

    union all
    {% endif %}
    {%- endfor %}
),

cells as (
    select * from count_rows
    union all
    select * from ascof_3d_cells
),

-- every metric's headline for every period, present even when nobody qualifies
headline_frame as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        m.metric_id,
        m.is_ratio
    from periods as p
    cross join (
        values
        ('LTS_PEOPLE_DURING_YEAR', false),
        ('LTS_PEOPLE_AT_YEAR_END', false),
        ('LTS_PEOPLE_OVER_12_MONTHS', false),
        ('ASCOF_3D_1A', true),
        ('ASCOF_3D_2A', true),
        ('NEW_LTS_PEOPLE_PER_WEEK', false)
    ) as m (metric_id, is_ratio)
),

framed as (
    select
        f.la_code,
        f.period_type,
        f.period_start,
        f.metric_id,
        'total' as breakdown,
        'Total' as breakdown_value,
        coalesce(c.numerator, 0) as numerator,
        case when f.is_ratio then coalesce(c.denominator, 0) end as denominator,
        coalesce(c.dq_rows, 0) as dq_rows,
        coalesce(c.dq_failed, 0) as dq_failed
    from headline_frame as f
    left join cells as c
        on
            f.la_code = c.la_code and f.period_type = c.period_type and f.period_start = c.period_start
            and f.metric_id = c.metric_id and c.breakdown = 'total'

    union all

    select
        la_code,
        period_type,
        period_start,
        metric_id,
        breakdown,
        breakdown_value,
        numerator,
        denominator,
        dq_rows,
        dq_failed
    from cells
    where breakdown <> 'total'
)

select
    f.la_code,
    f.period_type,
    f.period_start,
    p.period_end,
    f.metric_id,
    f.breakdown,
    f.breakdown_value,
    cast(f.numerator as bigint) as numerator,
    cast(f.denominator as bigint) as denominator,
    cast(null as decimal(18, 4)) as median_days,
    case
        when not p.is_fully_covered then 'no_covering_submission'
        when f.metric_id = 'NEW_LTS_PEOPLE_PER_WEEK' and p.lacks_lookback then 'insufficient_lookback'
    end as null_reason,
    -- no measure of this family looks forward past the period end
    false as is_provisional,
    cast(f.dq_rows as bigint) as dq_rows,
    cast(f.dq_failed as bigint) as dq_failed
from framed as f
inner join periods as p
    on f.la_code = p.la_code and f.period_type = p.period_type and f.period_start = p.period_start

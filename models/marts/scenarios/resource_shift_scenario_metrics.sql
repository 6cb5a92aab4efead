-- Projected change in the metrics a resource shift affects (context.md §3 (d)), one row per
-- scenario × council × scenario year × metric: the baseline counts of the latest financial year
-- ending by the base quarter end (int_metrics__rows, total breakdown, before suppression - the
-- intermediate behind commissioning_metrics) and the counts after moving people, from the flags
-- of the sectors they leave and join (seed scenario_sectors):
--   ASCOF_2E / 2E_LD numerator  + moved × (settled(to) − settled(from)); denominator unchanged
--                               (every sector is long-term support; 2E counts 18+, 2E_LD LD 18-64)
--   ASCOF_3D_1A/3D_2A denominator + moved × (community(to) − community(from)), dp_class <> none;
--                     numerators + moved × (class counts(to) − class counts(from)): 3D_1A counts
--                     direct_payment and managed_pb, 3D_2A direct_payment only (clients 18+).
-- It assumes the moved sector is the person's top setting (metrics.md PR §9): an estimate.

with

runs as (
    select * from {{ ref('int_scenarios__runs') }}
),

shift_years as (
    select * from {{ ref('int_scenarios__shift_years') }}
),

sectors as (
    select
        sector_id,
        case when is_settled_accommodation then 1 else 0 end as settled,
        case when dp_class <> 'none' then 1 else 0 end as community,
        case when dp_class in ('direct_payment', 'managed_pb') then 1 else 0 end as self_directed,
        case when dp_class = 'direct_payment' then 1 else 0 end as direct_payment
    from {{ ref('scenario_sectors') }}
),

metric_ids as (
    select 'ASCOF_2E' as metric_id
    union all
    select 'ASCOF_2E_LD'
    union all
    select 'ASCOF_3D_1A'
    union all
    select 'ASCOF_3D_2A'
),

changes as (
    select
        y.scenario_id,
        y.la_code,
        y.scenario_year,
        m.metric_id,
        sum(case m.metric_id
            when 'ASCOF_2E' then y.moved_people_2e * (t.settled - f.settled)
            when 'ASCOF_2E_LD' then y.moved_people_2e_ld * (t.settled - f.settled)
            when 'ASCOF_3D_1A' then y.moved_people_3d * (t.self_directed - f.self_directed)
            else y.moved_people_3d * (t.direct_payment - f.direct_payment)
        end) as numerator_change_exact,
        sum(case
            when m.metric_id in ('ASCOF_3D_1A', 'ASCOF_3D_2A') then y.moved_people_3d * (t.community - f.community)
            else 0
        end) as denominator_change_exact
    from shift_years as y
    inner join sectors as f on y.from_sector = f.sector_id
    inner join sectors as t on y.to_sector = t.sector_id
    cross join metric_ids as m
    group by y.scenario_id, y.la_code, y.scenario_year, m.metric_id
),

baseline_years as (
    select
        r.scenario_id,
        r.la_code,
        max(m.period_end) as period_end
    from runs as r
    inner join {{ ref('int_metrics__rows') }} as m
        on r.la_code = m.la_code and m.period_type = 'financial_year' and m.period_end <= r.base_quarter_end
    group by r.scenario_id, r.la_code
),

baseline as (
    select
        b.scenario_id,
        b.la_code,
        m.metric_id,
        m.financial_year,
        m.period_end,
        m.numerator,
        m.denominator,
        m.exact_value
    from baseline_years as b
    inner join {{ ref('int_metrics__rows') }} as m
        on
            b.la_code = m.la_code and b.period_end = m.period_end and m.period_type = 'financial_year'
            and m.breakdown = 'total'
            and m.metric_id in ('ASCOF_2E', 'ASCOF_2E_LD', 'ASCOF_3D_1A', 'ASCOF_3D_2A')
),

joined as (
    select
        c.*,
        b.financial_year as baseline_financial_year,
        b.numerator as baseline_numerator,
        b.denominator as baseline_denominator,
        b.exact_value as baseline_value,
        -- counts of people to one decimal place (people move proportionally), kept in tenths so the
        -- value is integer-exact (metrics.md §1.2)
        cast(round((b.numerator + c.numerator_change_exact) * 10, 0) as bigint) as scenario_numerator_tenths,
        cast(round((b.denominator + c.denominator_change_exact) * 10, 0) as bigint) as scenario_denominator_tenths
    from changes as c
    left join baseline as b
        on c.scenario_id = b.scenario_id and c.la_code = b.la_code and c.metric_id = b.metric_id
)

select
    j.scenario_id,
    j.la_code,
    j.scenario_year,
    j.metric_id,
    r.base_quarter_end,
    j.baseline_financial_year,
    j.baseline_numerator,
    j.baseline_denominator,
    j.baseline_value,
    cast(round(j.numerator_change_exact, 1) as decimal(18, 1)) as numerator_change,
    cast(round(j.denominator_change_exact, 1) as decimal(18, 1)) as denominator_change,
    cast(cast(j.scenario_numerator_tenths as decimal(18, 0)) * 0.1 as decimal(18, 1)) as scenario_numerator,
    cast(cast(j.scenario_denominator_tenths as decimal(18, 0)) * 0.1 as decimal(18, 1)) as scenario_denominator,
    case
        when j.scenario_denominator_tenths > 0
            then {{ tenths('j.scenario_numerator_tenths * 1000', 'j.scenario_denominator_tenths') }}
        else cast(null as decimal(18, 2))
    end as scenario_value,
    case
        when j.scenario_denominator_tenths > 0 and j.baseline_value is not null
            then cast({{ tenths('j.scenario_numerator_tenths * 1000', 'j.scenario_denominator_tenths') }} - j.baseline_value
                as decimal(18, 2))
        else cast(null as decimal(18, 2))
    end as value_change,
    case
        when j.baseline_numerator is null then 'no_baseline_year'
        when j.scenario_denominator_tenths <= 0 then 'zero_denominator'
    end as value_null_reason,
    'percent' as unit,
    true as is_estimate
from joined as j
inner join runs as r on j.scenario_id = r.scenario_id and j.la_code = r.la_code

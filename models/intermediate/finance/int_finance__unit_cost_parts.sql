-- The parts of each unit cost (metrics.md §6; finance_extract.md §4 "Unit costs"), exact integers,
-- per LA × financial year × setting × age group:
--   residential / nursing / both: gross expenditure of the setting (grants to voluntary
--     organisations excluded) ÷ resident weeks. Weeks come from the paid quantities on those
--     payments when the ledger carries them (source finance, at least
--     unit_cost_finance_quantity_min_share % of the payments by amount), else from CLD (source
--     cld_activity: per person the days with at least one active long-term residential (or nursing)
--     line in the year, several lines on a day counting once).
--   home care: the average hourly rate paid to external providers, a price and not spend ÷ hours:
--     Σ(unit_rate × quantity) ÷ Σ quantity of hourly provider payments (source finance), else the
--     same over the latest quarter's CLD hourly home-support lines (source cld_cost_lines).
-- Activity is held in scaled integers so every division is one exact half-up rounding:
--   resident activity in 1/120,000ths of a day (quantity × 10,000 × twelfths of a day per unit);
--   hourly amounts × 10^8 and hours × 10^4.

with

ledger as (
    select * from {{ ref('int_finance__ledger') }}
    where include_in_asc
),

years as (
    select distinct
        la_code,
        financial_year,
        financial_year_start,
        financial_year_end
    from ledger
),

setting_groups as (
    select
        g.setting,
        g.setting_group
    from (
        values
        ('residential', 'residential'),
        ('nursing', 'nursing'),
        ('residential', 'residential_and_nursing'),
        ('nursing', 'residential_and_nursing')
    ) as g (setting, setting_group)
),

-- twelfths of a day in one paid unit of each cost frequency (a month is 364/12 days, as PR §7)
unit_days as (
    select
        u.unit_type,
        u.twelfths
    from (
        values
        ('Daily', 12), ('Weekly', 84), ('Fortnightly', 168), ('4-weekly', 336),
        ('Monthly', 364), ('Quarterly', 1092), ('Annually', 4368)
    ) as u (unit_type, twelfths)
),

care_home_rows as (
    select
        l.la_code,
        l.financial_year,
        g.setting_group,
        age.age_group,
        l.person_key,
        l.txn_class,
        l.base_type,
        l.is_adjustment,
        l.amount_pence,
        l.quantity,
        u.twelfths
    from ledger as l
    inner join setting_groups as g on l.setting = g.setting
    cross join (values ('each'), ('all')) as age_scope (scope)
    inner join (
        select '18_64' as age_group
        union all
        select '65_plus' as age_group
        union all
        select 'unallocated' as age_group
        union all
        select 'all' as age_group
    ) as age on (age_scope.scope = 'all' and age.age_group = 'all')
        or (age_scope.scope = 'each' and age.age_group = l.age_group)
    left join unit_days as u on l.unit_type = u.unit_type
    where l.txn_class in ('expenditure', 'inter_authority') and l.base_type <> 'grant_paid'
),

finance_care_home as (
    select
        la_code,
        financial_year,
        setting_group,
        age_group,
        cast(sum(amount_pence) as bigint) as expenditure_pence,
        sum(case
            when not is_adjustment and base_type in ('provider_payment', 'direct_payment') then amount_pence else 0
        end) as payment_pence,
        sum(case
            when not is_adjustment and base_type in ('provider_payment', 'direct_payment') and twelfths is not null
                and quantity is not null then amount_pence
            else 0
        end) as quantified_pence,
        -- a reversal or credit note with a quantity takes its weeks back
        cast(sum(case
            when twelfths is not null and quantity is not null
                then cast(quantity * 10000 as bigint) * twelfths * (case when amount_pence < 0 then -1 else 1 end)
            else 0
        end) as bigint) as finance_activity,
        cast(count(distinct case when twelfths is not null and quantity is not null then person_key end) as bigint)
            as finance_people
    from care_home_rows
    group by la_code, financial_year, setting_group, age_group
),

-- CLD: long-term residential and nursing lines clipped to each financial year; open lines run to
-- the end of the LA's data
data_ends as (
    select
        la_code,
        max(data_end_date) as data_end_date
    from {{ ref('int_periods') }}
    group by la_code
),

cld_lines as (
    select
        e.la_code,
        e.person_key,
        g.setting_group,
        y.financial_year,
        y.financial_year_end,
        case when e.event_start_date > y.financial_year_start then e.event_start_date else y.financial_year_start end
            as day_from,
        case
            when coalesce(e.event_end_date, d.data_end_date) < y.financial_year_end
                then coalesce(e.event_end_date, d.data_end_date)
            else y.financial_year_end
        end as day_to
    from {{ ref('int_cld__events_enriched') }} as e
    inner join setting_groups as g
        on g.setting = case e.service_type
            when 'Long term support: Residential care' then 'residential'
            when 'Long term support: Nursing care' then 'nursing'
        end
    inner join data_ends as d on e.la_code = d.la_code
    inner join years as y
        on e.la_code = y.la_code
        and e.event_start_date <= y.financial_year_end
        and coalesce(e.event_end_date, d.data_end_date) >= y.financial_year_start
    where e.event_type = 'Service' and e.client_type_group = 'Service user'
),

-- several lines on one day count once: merge overlapping intervals per person (gaps and islands)
ordered_lines as (
    select
        c.*,
        max(c.day_to) over (
            partition by c.la_code, c.person_key, c.setting_group, c.financial_year
            order by c.day_from, c.day_to
            rows between unbounded preceding and 1 preceding
        ) as previous_max_to
    from cld_lines as c
    where c.day_to >= c.day_from
),

islands as (
    select
        o.*,
        sum(case when o.previous_max_to is null or o.day_from > o.previous_max_to then 1 else 0 end) over (
            partition by o.la_code, o.person_key, o.setting_group, o.financial_year
            order by o.day_from, o.day_to
            rows between unbounded preceding and current row
        ) as island
    from ordered_lines as o
),

person_days as (
    select
        la_code,
        person_key,
        setting_group,
        financial_year,
        max(financial_year_end) as financial_year_end,
        sum(island_days) as resident_days
    from (
        select
            la_code,
            person_key,
            setting_group,
            financial_year,
            max(financial_year_end) as financial_year_end,
            {{ days_between('min(day_from)', 'max(day_to)') }} + 1 as island_days
        from islands
        group by la_code, person_key, setting_group, financial_year, island
    ) as merged
    group by la_code, person_key, setting_group, financial_year
),

person_ages as (
    select
        d.*,
        {{ age_at('p.birth_year', 'p.birth_month', 'd.financial_year_end') }} as age_at_year_end
    from person_days as d
    left join {{ ref('int_cld__person_attributes') }} as p
        on d.la_code = p.la_code and d.person_key = p.person_id
),

cld_care_home as (
    select
        la_code,
        financial_year,
        setting_group,
        age_group,
        cast(sum(resident_days) * 120000 as bigint) as cld_activity,
        cast(count(distinct person_key) as bigint) as cld_people
    from (
        select
            a.*,
            case
                when a.age_at_year_end >= 65 then '65_plus'
                when a.age_at_year_end >= 18 then '18_64'
                else 'unallocated'
            end as age_group
        from person_ages as a
        union all
        select
            a.*,
            'all' as age_group
        from person_ages as a
    ) as aged
    group by la_code, financial_year, setting_group, age_group
),

care_home as (
    select
        coalesce(f.la_code, c.la_code) as la_code,
        coalesce(f.financial_year, c.financial_year) as financial_year,
        coalesce(f.setting_group, c.setting_group) as setting,
        coalesce(f.age_group, c.age_group) as age_group,
        'resident_weeks' as activity_unit,
        coalesce(f.expenditure_pence, 0) as expenditure_pence,
        f.payment_pence,
        f.quantified_pence,
        f.finance_activity,
        f.finance_people,
        c.cld_activity,
        c.cld_people,
        coalesce(f.payment_pence, 0) > 0
        and 100 * f.quantified_pence >= {{ var('unit_cost_finance_quantity_min_share') }} * f.payment_pence
            as uses_finance_quantities
    from finance_care_home as f
    full outer join cld_care_home as c
        on f.la_code = c.la_code and f.financial_year = c.financial_year
        and f.setting_group = c.setting_group and f.age_group = c.age_group
),

-- home care: external hourly provider payments (finance) ...
finance_home_care as (
    select
        la_code,
        financial_year,
        cast(sum(cast(unit_rate * 10000 as bigint) * cast(quantity * 10000 as bigint)) as bigint) as rate_amount,
        cast(sum(cast(quantity * 10000 as bigint)) as bigint) as hours,
        cast(count(distinct person_key) as bigint) as people
    from ledger
    where
        setting = 'community_home_care' and transaction_type = 'provider_payment' and unit_type = 'Hourly'
        and quantity > 0 and unit_rate is not null
    group by la_code, financial_year
),

-- ... else the latest quarter of CLD hourly home-support lines (metrics.md §6 source cld_cost_lines)
cld_home_care_lines as (
    select
        s.la_code,
        y.financial_year,
        s.quarter_start,
        s.person_id as person_key,
        s.unit_cost,
        s.units_per_week,
        max(s.quarter_start) over (partition by s.la_code, y.financial_year) as latest_quarter_start
    from {{ ref('int_cld__service_costs') }} as s
    inner join years as y
        on s.la_code = y.la_code and s.quarter_start between y.financial_year_start and y.financial_year_end
    where
        s.service_type = 'Long term support: Community'
        and s.service_component = 'Home support or domiciliary care'
        and s.cost_frequency = 'Hourly'
        and s.delivery_mechanism in ('CASSR commissioned support', 'CASSR managed personal budget')
        and s.cost_flag in ('costed', 'sign_corrected')
        and s.units_per_week > 0
),

cld_home_care as (
    select
        la_code,
        financial_year,
        cast(sum(cast(unit_cost * 10000 as bigint) * cast(units_per_week * 10000 as bigint)) as bigint) as rate_amount,
        cast(sum(cast(units_per_week * 10000 as bigint)) as bigint) as hours,
        cast(count(distinct person_key) as bigint) as people
    from cld_home_care_lines
    where quarter_start = latest_quarter_start
    group by la_code, financial_year
),

home_care as (
    select
        y.la_code,
        y.financial_year,
        'community_home_care' as setting,
        'all' as age_group,
        case when f.hours > 0 then 'finance' else 'cld_cost_lines' end as source,
        'hours' as activity_unit,
        case when f.hours > 0 then f.rate_amount else c.rate_amount end as rate_amount,
        case when f.hours > 0 then f.hours else c.hours end as hours,
        case when f.hours > 0 then f.people else c.people end as people
    from years as y
    left join finance_home_care as f on y.la_code = f.la_code and y.financial_year = f.financial_year
    left join cld_home_care as c on y.la_code = c.la_code and y.financial_year = c.financial_year
    where coalesce(f.hours, 0) > 0 or coalesce(c.hours, 0) > 0
)

select
    h.la_code,
    h.financial_year,
    y.financial_year_start as period_start,
    y.financial_year_end as period_end,
    h.setting,
    h.age_group,
    case when h.uses_finance_quantities then 'finance' else 'cld_activity' end as source,
    h.activity_unit,
    h.expenditure_pence,
    -- activity in 1/120,000ths of a day
    case when h.uses_finance_quantities then h.finance_activity else h.cld_activity end as activity_scaled,
    case when h.uses_finance_quantities then h.finance_people else h.cld_people end as people,
    case
        when coalesce(case when h.uses_finance_quantities then h.finance_activity else h.cld_activity end, 0) > 0
            then {{ div_round_half_up(
                'h.expenditure_pence * 840000',
                'case when h.uses_finance_quantities then h.finance_activity else h.cld_activity end') }}
    end as unit_cost_pence,
    case
        when coalesce(case when h.uses_finance_quantities then h.finance_activity else h.cld_activity end, 0) > 0
            then {{ div_round_half_up(
                'case when h.uses_finance_quantities then h.finance_activity else h.cld_activity end',
                '8400') }}
    end as activity_hundredths,
    cast(null as bigint) as rate_amount_scaled
from care_home as h
inner join years as y on h.la_code = y.la_code and h.financial_year = y.financial_year
union all
select
    h.la_code,
    h.financial_year,
    y.financial_year_start as period_start,
    y.financial_year_end as period_end,
    h.setting,
    h.age_group,
    h.source,
    h.activity_unit,
    -- the amount paid for the hours at their rates (pence, exact to the rounding of each product)
    cast({{ div_round_half_up('h.rate_amount', '1000000') }} as bigint) as expenditure_pence,
    h.hours as activity_scaled,
    h.people,
    {{ div_round_half_up('h.rate_amount', 'h.hours * 100') }} as unit_cost_pence,
    {{ div_round_half_up('h.hours', '100') }} as activity_hundredths,
    h.rate_amount as rate_amount_scaled
from home_care as h
inner join years as y on h.la_code = y.la_code and h.financial_year = y.financial_year

-- The commissioning landscape (context.md (f); marts.md place_profile): one row per council ×
-- financial year × indicator (× event_seq for dated policy events), LONG so each value carries its
-- own source. Only financial years the case data cover whole (int_periods) are shown. Values are
-- exact (integer arithmetic: tenths, div_round_half_up, pence); a value that cannot be shown is
-- NULL with a null_reason, never 0. Supplied place inputs (reference_data.md §7) are shown as
-- supplied (is_supplied) and never imputed; provider-range values need a CQC directory (§5), the
-- latest snapshot on or before the period end.

with

periods as (
    select la_code, period_start, period_end, financial_year
    from {{ ref('int_periods') }}
    where period_type = 'financial_year' and is_fully_covered
),

-- population of the period's mid-year (metrics.md §1.4): 18+, 18-64 and 65+ from the intermediate,
-- 85+ from population_bands for the same mid-year
population as (
    select
        b.la_code,
        b.period_start,
        max(b.mid_year_used) as mid_year_used,
        max(case when b.age_band = '18 and over' then b.population end) as pop_18_plus,
        max(case when b.age_band = '18 to 64' then b.population end) as pop_18_64,
        max(case when b.age_band = '65 and above' then b.population end) as pop_65_plus
    from {{ ref('int_population__period_bands') }} as b
    where b.period_type = 'financial_year'
    group by b.la_code, b.period_start
),

population_85 as (
    select
        p.la_code,
        p.period_start,
        max(pb.population) as pop_85_plus
    from population as p
    inner join {{ ref('population_bands') }} as pb
        on p.la_code = pb.la_code and p.mid_year_used = pb.mid_year and pb.age_band = '85 and over'
    group by p.la_code, p.period_start
),

metrics as (
    select
        la_code,
        period_start,
        metric_id,
        breakdown_value,
        numerator,
        value,
        is_suppressed,
        suppression_reason
    from {{ ref('commissioning_metrics') }}
    where
        period_type = 'financial_year'
        and (
            (metric_id in ('REQUESTS_PER_100K', 'NEW_LTS_PEOPLE_PER_WEEK') and breakdown = 'total')
            or (metric_id = 'LTS_PEOPLE_DURING_YEAR' and breakdown = 'working_age_band')
        )
),

metric_pivot as (
    select
        la_code,
        period_start,
        max(case when metric_id = 'REQUESTS_PER_100K' then value end) as requests_per_100k,
        max(case when metric_id = 'REQUESTS_PER_100K' then case when is_suppressed then 'suppressed' else suppression_reason end end) as requests_reason,
        max(case when metric_id = 'NEW_LTS_PEOPLE_PER_WEEK' then value end) as new_lts_per_week,
        max(case when metric_id = 'NEW_LTS_PEOPLE_PER_WEEK' then case when is_suppressed then 'suppressed' else suppression_reason end end) as new_lts_reason,
        max(case when metric_id = 'LTS_PEOPLE_DURING_YEAR' and breakdown_value = '18 to 64' then numerator end)
            as lts_18_64,
        max(case when metric_id = 'LTS_PEOPLE_DURING_YEAR' and breakdown_value = '18 to 64' and is_suppressed
            then 1 else 0 end) as lts_18_64_suppressed,
        max(case when metric_id = 'LTS_PEOPLE_DURING_YEAR' and breakdown_value = '65 and above' then numerator end)
            as lts_65_plus,
        max(case when metric_id = 'LTS_PEOPLE_DURING_YEAR' and breakdown_value = '65 and above' and is_suppressed
            then 1 else 0 end) as lts_65_plus_suppressed
    from metrics
    group by la_code, period_start
),

-- finance measures per year in integer pence (spend_by_category money is exact numeric(18,2))
spend as (
    select
        la_code,
        financial_year,
        cast(sum(gross_expenditure) * 100 as bigint) as gross_pence,
        cast(sum(gross_current_expenditure) * 100 as bigint) as gce_pence,
        cast(sum(net_current_expenditure) * 100 as bigint) as nce_pence,
        cast(sum(income) * 100 as bigint) as income_pence,
        cast(sum(income_client_contributions) * 100 as bigint) as contributions_pence,
        cast(sum(income_nhs) * 100 as bigint) as nhs_pence,
        cast(sum(income_joint_arrangements) * 100 as bigint) as pooled_pence
    from {{ ref('spend_by_category') }}
    where period_type = 'financial_year'
    group by la_code, financial_year
),

spend_by_area as (
    select
        s.la_code,
        s.financial_year,
        c.code as area_code,
        c.label as area_label,
        c.sort_order,
        cast(coalesce(sum(s.gross_current_expenditure), 0) * 100 as bigint) as gce_pence
    from (select distinct la_code, financial_year from {{ ref('spend_by_category') }}) as y
    cross join {{ ref('ref_code_lists') }} as c
    left join {{ ref('spend_by_category') }} as s
        on
            y.la_code = s.la_code
            and y.financial_year = s.financial_year
            and s.period_type = 'financial_year'
            and s.five_areas_category = c.label
    where c.dimension = 'five_areas_category'
    group by s.la_code, s.financial_year, c.code, c.label, c.sort_order
),

unit_costs as (
    select la_code, financial_year, setting, unit_cost, national_anchor, difference_from_anchor_pct, null_reason
    from {{ ref('unit_costs') }}
    where period_type = 'financial_year' and age_group = 'All ages'
),

-- finance providers (context.md (f) provider range): distinct providers paid, top-5 share of
-- provider expenditure (expenditure rows in ASC scope carrying a provider_id)
provider_spend as (
    select la_code, financial_year, provider_id, cast(sum(amount_pence) as bigint) as pence
    from {{ ref('int_finance__ledger') }}
    where txn_class = 'expenditure' and coalesce(include_in_asc, true) and provider_id is not null
    group by la_code, financial_year, provider_id
),

provider_ranked as (
    select
        la_code,
        financial_year,
        provider_id,
        pence,
        row_number() over (partition by la_code, financial_year order by pence desc, provider_id) as spend_rank
    from provider_spend
),

providers as (
    select
        la_code,
        financial_year,
        count(*) as providers_paid,
        -- sums cast back to bigint: Postgres sums bigint to numeric, and div_round_half_up needs integers
        cast(sum(pence) as bigint) as provider_pence,
        cast(sum(case when spend_rank <= 5 then pence else 0 end) as bigint) as top5_pence
    from provider_ranked
    group by la_code, financial_year
),

-- the latest CQC snapshot on or before the period end (reference_data.md §1 "Versions")
snapshots as (
    select
        p.la_code,
        p.period_start,
        max(d.snapshot_date) as snapshot_date
    from periods as p
    inner join {{ ref('dim_provider_location') }} as d on d.snapshot_date <= p.period_end
    group by p.la_code, p.period_start
),

directory as (
    select
        s.la_code,
        s.period_start,
        max(d.layout) as layout,
        sum(case when d.is_care_home_nursing then 1 else 0 end) as care_homes_nursing,
        sum(case when d.is_care_home_without_nursing then 1 else 0 end) as care_homes_without_nursing,
        sum(case when d.is_domiciliary_care then 1 else 0 end) as domiciliary,
        sum(case when d.is_care_home then d.beds end) as beds,
        sum(case when d.latest_rating = 'Outstanding' then 1 else 0 end) as rated_outstanding,
        sum(case when d.latest_rating = 'Good' then 1 else 0 end) as rated_good,
        sum(case when d.latest_rating = 'Requires improvement' then 1 else 0 end) as rated_requires_improvement,
        sum(case when d.latest_rating = 'Inadequate' then 1 else 0 end) as rated_inadequate
    from snapshots as s
    inner join {{ ref('dim_provider_location') }} as d
        on s.la_code = d.la_code and s.snapshot_date = d.snapshot_date
    where d.is_adult_social_care and not coalesce(d.is_dormant, false)
    group by s.la_code, s.period_start
),

-- one row per period with everything the derived indicators need
base as (
    select
        p.la_code,
        p.period_start,
        p.period_end,
        p.financial_year,
        pop.pop_18_plus,
        pop.pop_18_64,
        pop.pop_65_plus,
        p85.pop_85_plus,
        sp.gross_pence,
        sp.gce_pence,
        sp.nce_pence,
        sp.income_pence,
        sp.contributions_pence,
        sp.nhs_pence,
        sp.pooled_pence,
        prev.nce_pence as previous_nce_pence,
        pr.providers_paid,
        pr.provider_pence,
        pr.top5_pence,
        sn.snapshot_date,
        d.layout,
        d.care_homes_nursing,
        d.care_homes_without_nursing,
        d.domiciliary,
        d.beds,
        d.rated_outstanding,
        d.rated_good,
        d.rated_requires_improvement,
        d.rated_inadequate,
        coalesce(d.rated_outstanding + d.rated_good + d.rated_requires_improvement + d.rated_inadequate, 0)
            as rated,
        budget.value_number as budget_net,
        mt.requests_per_100k,
        mt.requests_reason,
        mt.new_lts_per_week,
        mt.new_lts_reason,
        mt.lts_18_64,
        mt.lts_18_64_suppressed,
        mt.lts_65_plus,
        mt.lts_65_plus_suppressed
    from periods as p
    left join population as pop on p.la_code = pop.la_code and p.period_start = pop.period_start
    left join population_85 as p85 on p.la_code = p85.la_code and p.period_start = p85.period_start
    left join spend as sp on p.la_code = sp.la_code and p.financial_year = sp.financial_year
    left join spend as prev
        on
            p.la_code = prev.la_code
            and prev.financial_year = {{ financial_year_label(add_days('p.period_start', -1)) }}
    left join providers as pr on p.la_code = pr.la_code and p.financial_year = pr.financial_year
    left join snapshots as sn on p.la_code = sn.la_code and p.period_start = sn.period_start
    left join directory as d on p.la_code = d.la_code and p.period_start = d.period_start
    left join metric_pivot as mt on p.la_code = mt.la_code and p.period_start = mt.period_start
    left join {{ ref('stg_place__inputs') }} as budget
        on
            p.la_code = budget.la_code
            and p.financial_year = budget.financial_year
            and budget.indicator_code = 'asc_budget_net'
),

-- derived indicators, one select per indicator: value (NULL with a reason when it cannot be shown),
-- anchor and anchor_gap where a national or supplied comparison exists
cells as (
    select la_code, financial_year, 'requests_per_100k' as indicator, requests_per_100k as value,
        cast(null as decimal(18, 2)) as anchor, cast(null as decimal(18, 2)) as anchor_gap,
        case when requests_per_100k is null then coalesce(requests_reason, 'not_available') end as null_reason
    from base
    union all
    select la_code, financial_year, 'new_lts_people_per_week', new_lts_per_week, null, null,
        case when new_lts_per_week is null then coalesce(new_lts_reason, 'not_available') end
    from base
    union all
    -- LTS people during the year per 100,000 of the age band (numerator from commissioning_metrics)
    select la_code, financial_year, 'lts_per_100k_18_64',
        case when lts_18_64_suppressed = 0 and pop_18_64 > 0 then {{ tenths('cast(lts_18_64 as bigint) * 1000000', 'pop_18_64') }} end,
        null, null,
        case when lts_18_64_suppressed = 1 then 'suppressed' when lts_18_64 is null then 'not_available'
            when coalesce(pop_18_64, 0) = 0 then 'population_missing' end
    from base
    union all
    select la_code, financial_year, 'lts_per_100k_65_plus',
        case when lts_65_plus_suppressed = 0 and pop_65_plus > 0 then {{ tenths('cast(lts_65_plus as bigint) * 1000000', 'pop_65_plus') }} end,
        null, null,
        case when lts_65_plus_suppressed = 1 then 'suppressed' when lts_65_plus is null then 'not_available'
            when coalesce(pop_65_plus, 0) = 0 then 'population_missing' end
    from base
    union all
    select la_code, financial_year, 'share_adults_65_plus',
        case when pop_18_plus > 0 then {{ tenths('cast(pop_65_plus as bigint) * 1000', 'pop_18_plus') }} end,
        null, null, case when coalesce(pop_18_plus, 0) = 0 then 'population_missing' end
    from base
    union all
    select la_code, financial_year, 'share_adults_85_plus',
        case when pop_18_plus > 0 and pop_85_plus is not null then {{ tenths('cast(pop_85_plus as bigint) * 1000', 'pop_18_plus') }} end,
        null, null, case when coalesce(pop_18_plus, 0) = 0 or pop_85_plus is null then 'population_missing' end
    from base
    union all
    -- austerity / budget (finance_extract.md §4 measures)
    select la_code, financial_year, 'nce_per_adult',
        case when nce_pence is not null and pop_18_plus > 0 then {{ pence_to_gbp(div_round_half_up('nce_pence', 'pop_18_plus')) }} end,
        null, null,
        case when nce_pence is null then 'finance_not_loaded' when coalesce(pop_18_plus, 0) = 0 then 'population_missing' end
    from base
    union all
    select la_code, financial_year, 'nce_change_pct',
        case when nce_pence is not null and previous_nce_pence > 0
            then {{ tenths('(nce_pence - previous_nce_pence) * 1000', 'previous_nce_pence') }} end,
        null, null,
        case when nce_pence is null then 'finance_not_loaded' when coalesce(previous_nce_pence, 0) <= 0 then 'no_previous_year' end
    from base
    union all
    select la_code, financial_year, 'client_contributions_share_of_income',
        case when income_pence > 0 then {{ tenths('contributions_pence * 1000', 'income_pence') }} end,
        null, null,
        case when income_pence is null then 'finance_not_loaded' when income_pence <= 0 then 'denominator_zero' end
    from base
    union all
    -- budget vs outturn: NCE outturn against the supplied net budget (anchor), gap in % of budget
    select la_code, financial_year, 'nce_outturn_vs_budget',
        case when nce_pence is not null and budget_net is not null then {{ pence_to_gbp('nce_pence') }} end,
        cast(budget_net as decimal(18, 2)),
        case when nce_pence is not null and budget_net > 0
            then {{ tenths('(nce_pence - cast(budget_net * 100 as bigint)) * 1000', 'cast(budget_net * 100 as bigint)') }} end,
        case when nce_pence is null then 'finance_not_loaded' when budget_net is null then 'input_not_supplied' end
    from base
    union all
    -- organisational boundaries: NHS income and pooled budgets (joint arrangements) as shares of gross expenditure
    select la_code, financial_year, 'nhs_income_share_of_gross',
        case when gross_pence > 0 then {{ tenths('nhs_pence * 1000', 'gross_pence') }} end,
        null, null,
        case when gross_pence is null then 'finance_not_loaded' when gross_pence <= 0 then 'denominator_zero' end
    from base
    union all
    select la_code, financial_year, 'pooled_budget_share_of_gross',
        case when gross_pence > 0 then {{ tenths('pooled_pence * 1000', 'gross_pence') }} end,
        null, null,
        case when gross_pence is null then 'finance_not_loaded' when gross_pence <= 0 then 'denominator_zero' end
    from base
    union all
    -- labour market and unit costs against their national anchors (unit_costs, metrics.md §6)
    select b.la_code, b.financial_year, 'home_care_hourly_rate', u.unit_cost, u.national_anchor,
        cast(u.difference_from_anchor_pct as decimal(18, 2)),
        case when u.unit_cost is null then coalesce(u.null_reason, 'finance_not_loaded') end
    from base as b
    left join unit_costs as u
        on b.la_code = u.la_code and b.financial_year = u.financial_year and u.setting = 'Community: home care'
    union all
    select b.la_code, b.financial_year, 'unit_cost_residential_nursing_per_week', u.unit_cost, u.national_anchor,
        cast(u.difference_from_anchor_pct as decimal(18, 2)),
        case when u.unit_cost is null then coalesce(u.null_reason, 'finance_not_loaded') end
    from base as b
    left join unit_costs as u
        on b.la_code = u.la_code and b.financial_year = u.financial_year and u.setting = 'Residential and nursing'
    union all
    -- five areas: share of gross current expenditure by category
    select b.la_code, b.financial_year, 'gce_share_' || a.area_code,
        case when b.gce_pence > 0 then {{ tenths('a.gce_pence * 1000', 'b.gce_pence') }} end,
        null, null,
        case when b.gce_pence is null then 'finance_not_loaded' when b.gce_pence <= 0 then 'denominator_zero' end
    from base as b
    inner join spend_by_area as a on b.la_code = a.la_code and b.financial_year = a.financial_year
    union all
    -- provider range: finance providers
    select la_code, financial_year, 'providers_paid', cast(providers_paid as decimal(18, 2)), null, null,
        case when providers_paid is null then 'finance_not_loaded' end
    from base
    union all
    select la_code, financial_year, 'top5_provider_spend_share',
        case when provider_pence > 0 then {{ tenths('top5_pence * 1000', 'provider_pence') }} end,
        null, null,
        case when provider_pence is null then 'finance_not_loaded' when provider_pence <= 0 then 'denominator_zero' end
    from base
    union all
    -- provider range: CQC directory (NULL, input_not_supplied, without a snapshot on or before the period end)
    select b.la_code, b.financial_year, k.indicator,
        case
            when b.snapshot_date is null then null
            when k.indicator = 'cqc_care_homes_nursing' then cast(coalesce(b.care_homes_nursing, 0) as decimal(18, 2))
            when k.indicator = 'cqc_care_homes_without_nursing' then cast(coalesce(b.care_homes_without_nursing, 0) as decimal(18, 2))
            when k.indicator = 'cqc_domiciliary_care_locations' then cast(coalesce(b.domiciliary, 0) as decimal(18, 2))
            when k.indicator = 'care_home_beds_per_100k_65_plus' and b.beds is not null and b.pop_65_plus > 0
                then {{ tenths('cast(b.beds as bigint) * 1000000', 'b.pop_65_plus') }}
            when b.rated = 0 then null
            when k.indicator = 'rating_share_outstanding' then {{ tenths('cast(b.rated_outstanding as bigint) * 1000', 'b.rated') }}
            when k.indicator = 'rating_share_good' then {{ tenths('cast(b.rated_good as bigint) * 1000', 'b.rated') }}
            when k.indicator = 'rating_share_requires_improvement' then {{ tenths('cast(b.rated_requires_improvement as bigint) * 1000', 'b.rated') }}
            when k.indicator = 'rating_share_inadequate' then {{ tenths('cast(b.rated_inadequate as bigint) * 1000', 'b.rated') }}
        end,
        null, null,
        case
            when b.snapshot_date is null then 'input_not_supplied'
            when k.indicator in ('cqc_care_homes_nursing', 'cqc_care_homes_without_nursing', 'cqc_domiciliary_care_locations') then null
            when k.indicator = 'care_home_beds_per_100k_65_plus' and b.beds is null then 'not_in_directory_layout'
            when k.indicator = 'care_home_beds_per_100k_65_plus' and coalesce(b.pop_65_plus, 0) = 0 then 'population_missing'
            when k.indicator = 'care_home_beds_per_100k_65_plus' then null
            when b.rated = 0 then 'not_in_directory_layout'
        end
    from base as b
    cross join (
        values
            ('cqc_care_homes_nursing'), ('cqc_care_homes_without_nursing'), ('cqc_domiciliary_care_locations'),
            ('care_home_beds_per_100k_65_plus'), ('rating_share_outstanding'), ('rating_share_good'),
            ('rating_share_requires_improvement'), ('rating_share_inadequate')
    ) as k (indicator)
),

catalogue as (
    select * from (
        values
            ('requests_per_100k', 'demand', 'Requests from new clients per 100,000 adults', 'per_100k', 'cld', 10),
            ('new_lts_people_per_week', 'demand', 'New people into long-term support per week', 'per_week', 'cld', 11),
            ('lts_per_100k_18_64', 'demand', 'People in long-term support during the year per 100,000 aged 18-64', 'per_100k', 'cld', 12),
            ('lts_per_100k_65_plus', 'demand', 'People in long-term support during the year per 100,000 aged 65+', 'per_100k', 'cld', 13),
            ('share_adults_65_plus', 'demand', 'Share of adults aged 65+', 'percent', 'population', 14),
            ('share_adults_85_plus', 'demand', 'Share of adults aged 85+', 'percent', 'population', 15),
            ('nce_per_adult', 'austerity_budget', 'Net current expenditure per adult 18+', 'gbp', 'finance', 20),
            ('nce_change_pct', 'austerity_budget', 'Year-on-year change in net current expenditure', 'percent', 'finance', 21),
            ('client_contributions_share_of_income', 'austerity_budget', 'Client contributions as a share of income', 'percent', 'finance', 22),
            ('nce_outturn_vs_budget', 'austerity_budget', 'Net current expenditure outturn against the supplied net budget', 'gbp', 'finance', 23),
            ('nhs_income_share_of_gross', 'organisational_boundaries', 'NHS income as a share of gross expenditure', 'percent', 'finance', 30),
            ('pooled_budget_share_of_gross', 'organisational_boundaries', 'Pooled budgets (joint arrangements) as a share of gross expenditure', 'percent', 'finance', 31),
            ('home_care_hourly_rate', 'labour_market', 'Home care hourly rate paid (anchor: national median)', 'gbp_per_hour', 'finance', 40),
            ('unit_cost_residential_nursing_per_week', 'unit_costs', 'Residential and nursing care cost per resident week', 'gbp_per_week', 'finance', 50),
            ('providers_paid', 'provider_range', 'Providers paid in the year', 'count', 'finance', 70),
            ('top5_provider_spend_share', 'provider_range', 'Top five providers'' share of provider expenditure', 'percent', 'finance', 71),
            ('cqc_care_homes_nursing', 'provider_range', 'Active CQC care homes with nursing', 'count', 'cqc_directory', 72),
            ('cqc_care_homes_without_nursing', 'provider_range', 'Active CQC care homes without nursing', 'count', 'cqc_directory', 73),
            ('cqc_domiciliary_care_locations', 'provider_range', 'Active CQC domiciliary care locations', 'count', 'cqc_directory', 74),
            ('care_home_beds_per_100k_65_plus', 'provider_range', 'Care-home beds per 100,000 aged 65+', 'per_100k', 'cqc_directory', 75),
            ('rating_share_outstanding', 'provider_range', 'Share of rated locations: Outstanding', 'percent', 'cqc_directory', 76),
            ('rating_share_good', 'provider_range', 'Share of rated locations: Good', 'percent', 'cqc_directory', 77),
            ('rating_share_requires_improvement', 'provider_range', 'Share of rated locations: Requires improvement', 'percent', 'cqc_directory', 78),
            ('rating_share_inadequate', 'provider_range', 'Share of rated locations: Inadequate', 'percent', 'cqc_directory', 79)
    ) as c (indicator, landscape_variable, indicator_label, unit, source, sort_order)
),

derived as (
    select
        c.la_code,
        c.financial_year,
        coalesce(k.landscape_variable, 'five_areas') as landscape_variable,
        c.indicator,
        coalesce(k.indicator_label, 'Share of gross current expenditure: ' || a.label) as indicator_label,
        cast(0 as integer) as event_seq,
        cast(c.value as decimal(18, 2)) as value,
        cast(null as varchar) as value_text,
        coalesce(k.unit, 'percent') as unit,
        coalesce(k.source, 'finance') as source,
        false as is_supplied,
        cast(c.anchor as decimal(18, 2)) as anchor,
        cast(c.anchor_gap as decimal(18, 2)) as anchor_gap,
        cast(null as date) as event_date,
        cast(null as varchar) as note,
        cast(c.null_reason as varchar) as null_reason,
        coalesce(k.sort_order, 60 + a.sort_order) as sort_order
    from cells as c
    left join catalogue as k on c.indicator = k.indicator
    left join {{ ref('ref_code_lists') }} as a
        on a.dimension = 'five_areas_category' and c.indicator = 'gce_share_' || a.code
),

-- supplied place inputs (reference_data.md §7): every seed indicator for every year, the supplied
-- value as supplied, or NULL with input_not_supplied; dated events one row each
supplied as (
    select
        p.la_code,
        p.financial_year,
        i.landscape_variable,
        i.code as indicator,
        i.label as indicator_label,
        coalesce(s.event_seq, 0) as event_seq,
        cast(s.value_number as decimal(18, 2)) as value,
        s.value_text,
        coalesce(s.unit, i.unit) as unit,
        'place_inputs' as source,
        s.load_id is not null as is_supplied,
        cast(null as decimal(18, 2)) as anchor,
        cast(null as decimal(18, 2)) as anchor_gap,
        s.event_date,
        s.note,
        case when s.load_id is null then 'input_not_supplied' end as null_reason,
        100 + i.sort_order as sort_order
    from periods as p
    cross join {{ ref('place_indicators') }} as i
    left join {{ ref('stg_place__inputs') }} as s
        on p.la_code = s.la_code and p.financial_year = s.financial_year and i.code = s.indicator_code
),

rows_out as (
    select * from derived
    union all
    select * from supplied
)

select
    r.la_code,
    r.financial_year,
    p.period_start,
    p.period_end,
    r.landscape_variable,
    r.indicator,
    r.indicator_label,
    r.event_seq,
    r.value,
    r.value_text,
    r.unit,
    r.source,
    r.is_supplied,
    r.anchor,
    r.anchor_gap,
    r.event_date,
    r.note,
    r.null_reason,
    r.sort_order
from rows_out as r
inner join periods as p on r.la_code = p.la_code and r.financial_year = p.financial_year

-- The categorised ledger: one row per kept transaction (stg_finance__transactions) with its class,
-- the measure it feeds, its ASC-FR category and five-areas category (finance_extract.md §3–§7).
-- Every kept row is here exactly once, unmapped ones included: spend_by_category sums this model
-- and the ledger identity (§8 identity 2) is checked against it per period in integer pence.

with

-- Person identity as good_lives_extract.md §6 (the finance extract uses the same resolution):
-- 1. the local id through the case data's identity map (local_id_map); 2. else a valid NHS
-- number (nhs_number); 3. else the la_code_<id> form (local_id_only). An ambiguous local id stays
-- unmatched.
transactions as (
    select
        t.*,
        case
            when m.is_ambiguous then null
            when m.person_id is not null then m.person_id
            when t.nhs_number_hash is not null then t.nhs_number_hash
            else t.la_person_id_hash
        end as person_key,
        case
            when m.is_ambiguous then 'ambiguous_local_id'
            when m.person_id is not null then 'local_id_map'
            when t.nhs_number_hash is not null then 'nhs_number'
            when t.la_person_id_hash is not null then 'local_id_only'
        end as match_method
    from {{ ref('stg_finance__transactions') }} as t
    left join {{ ref('int_cld__local_id_map') }} as m
        on t.la_code = m.la_code and t.la_person_id_hash = m.la_person_id_hash
),

types as (
    select * from {{ ref('ref_finance_transaction_types') }}
),

rules as (
    select * from {{ ref('stg_finance__category_map') }}
),

-- §5: a reversal, credit note or accrual reversal naming the posting it undoes is linked to it and
-- inherits its service period when it has none of its own; an orphan is kept (FIN032).
linked as (
    select
        t.*,
        o.transaction_id is not null as is_linked_adjustment,
        t.reverses_transaction_id is not null and o.transaction_id is null as is_orphan_adjustment,
        coalesce(t.service_period_start, case when t.service_period_end is null then o.service_period_start end)
            as effective_service_start,
        coalesce(t.service_period_end, case when t.service_period_start is null then o.service_period_end end)
            as effective_service_end,
        coalesce(t.service_ref, o.service_ref) as effective_service_ref
    from transactions as t
    left join transactions as o
        on t.reverses_transaction_id = o.transaction_id and t.la_code = o.la_code
),

-- §3: an adjustment takes the class of its underlying (base) type
classified as (
    select
        l.*,
        ty.is_base_type = false as is_adjustment,
        case when ty.is_base_type then l.transaction_type else l.underlying_type end as base_type
    from linked as l
    inner join types as ty on l.transaction_type = ty.transaction_type
),

-- §6 rule matching as four equi-joins (exact/exact, exact/*, */exact, */*) so a council map of
-- thousands of rules does not turn into a cross join; among the rules effective on the posting
-- date, the council's rank first, then the most specific.
candidate_rules as (
    {%- for centre_exact, account_exact in [(true, true), (true, false), (false, true), (false, false)] %}
    select
        c.transaction_key,
        r.rule_key,
        r.source_rank,
        r.specificity,
        r.rule_row
    from classified as c
    inner join rules as r
        on r.cost_centre = {{ 'c.cost_centre' if centre_exact else "'*'" }}
        and r.account_code = {{ 'c.account_code' if account_exact else "'*'" }}
        and (r.la_code is null or r.la_code = c.la_code)
        and (r.effective_from is null or r.effective_from <= c.posting_date)
        and (r.effective_to is null or c.posting_date <= r.effective_to)
    {{ 'union all' if not loop.last }}
    {%- endfor %}
),

chosen_rule as (
    select
        transaction_key,
        rule_key
    from (
        select
            transaction_key,
            rule_key,
            row_number() over (
                partition by transaction_key order by source_rank desc, specificity desc, rule_row asc
            ) as rule_rank
        from candidate_rules
    ) as ranked
    where rule_rank = 1
),

mapped as (
    select
        c.*,
        r.rule_key,
        r.rule_source,
        r.include_in_asc,
        r.support_type as rule_support_type,
        r.setting as rule_setting,
        r.primary_support_reason as rule_psr,
        r.age_group as rule_age_group,
        r.cost_group as rule_cost_group,
        r.five_areas_category as rule_five_areas,
        -- the person attributes behind `from_person` are taken at the start of the care paid for
        coalesce(c.effective_service_start, c.posting_date) as person_reference_date
    from classified as c
    left join chosen_rule as cr on c.transaction_key = cr.transaction_key
    left join rules as r on cr.rule_key = r.rule_key
),

-- §6 from_person: the person's CLD primary support reason as at the reference date (their latest
-- event starting on or before it with a known PSR) and their age then.
person_dates as (
    select distinct
        la_code,
        person_key,
        person_reference_date
    from mapped
    where person_key is not null and (rule_psr = 'from_person' or rule_age_group = 'from_person')
),

psr_events as (
    select
        e.la_code,
        e.person_key,
        e.event_start_date,
        g.grouped_value as psr_group
    from {{ ref('int_cld__events_enriched') }} as e
    inner join (
        select distinct cleaned_value, grouped_value from {{ ref('cld_primary_support_reason') }}
    ) as g on e.primary_support_reason = g.cleaned_value
    where g.grouped_value in (
        'Physical support', 'Sensory support', 'Memory and cognition', 'Learning disability',
        'Mental health', 'Social support'
    )
),

psr_at_date as (
    select
        la_code,
        person_key,
        person_reference_date,
        psr_group
    from (
        select
            d.la_code,
            d.person_key,
            d.person_reference_date,
            e.psr_group,
            row_number() over (
                partition by d.la_code, d.person_key, d.person_reference_date
                order by e.event_start_date desc, e.psr_group asc
            ) as psr_rank
        from person_dates as d
        inner join psr_events as e
            on d.la_code = e.la_code and d.person_key = e.person_key
            and e.event_start_date <= d.person_reference_date
    ) as ranked
    where psr_rank = 1
),

people as (
    select
        la_code,
        person_id as person_key,
        birth_year,
        birth_month
    from {{ ref('int_cld__person_attributes') }}
),

resolved as (
    select
        m.*,
        p.person_key is not null as is_person_in_case_data,
        case
            when m.rule_psr <> 'from_person' then m.rule_psr
            when a.psr_group = 'Physical support' then 'physical'
            when a.psr_group = 'Sensory support' then 'sensory'
            when a.psr_group = 'Memory and cognition' then 'memory_cognition'
            when a.psr_group = 'Learning disability' then 'learning_disability'
            when a.psr_group = 'Mental health' then 'mental_health'
            -- social support PSR, unknown, or no person link: FIN061
            else 'unallocated'
        end as resolved_psr,
        case
            when m.rule_age_group <> 'from_person' then m.rule_age_group
            when {{ age_at('p.birth_year', 'p.birth_month', 'm.person_reference_date') }} >= 65 then '65_plus'
            when {{ age_at('p.birth_year', 'p.birth_month', 'm.person_reference_date') }} >= 18 then '18_64'
            else 'unallocated'
        end as resolved_age_group
    from mapped as m
    left join people as p on m.la_code = p.la_code and m.person_key = p.person_key
    left join psr_at_date as a
        on m.la_code = a.la_code and m.person_key = a.person_key
        and m.person_reference_date = a.person_reference_date
),

settings as (
    select * from {{ ref('ref_finance_settings') }}
),

categorised as (
    select
        r.*,
        case
            when r.rule_key is null then 'unmapped'
            when not r.include_in_asc then 'excluded_non_asc'
            else r.rule_setting
        end as setting
    from resolved as r
)

select
    c.transaction_key,
    c.la_code,
    c.transaction_id,
    c.load_id,
    c.source_file,
    c.row_number,
    c.posting_date,
    c.financial_year,
    c.period_number,
    -- periods 13-16 are year-end adjustments shown with March (§2), so they fall in quarter 4
    case
        when c.period_number <= 3 then 1
        when c.period_number <= 6 then 2
        when c.period_number <= 9 then 3
        else 4
    end as quarter_number,
    cast(substr(c.financial_year, 1, 4) || '-04-01' as date) as financial_year_start,
    cast(case
        when c.period_number <= 3 then substr(c.financial_year, 1, 4) || '-04-01'
        when c.period_number <= 6 then substr(c.financial_year, 1, 4) || '-07-01'
        when c.period_number <= 9 then substr(c.financial_year, 1, 4) || '-10-01'
        else cast(cast(substr(c.financial_year, 1, 4) as integer) + 1 as varchar) || '-01-01'
    end as date) as quarter_start,
    cast(case
        when c.period_number <= 3 then substr(c.financial_year, 1, 4) || '-06-30'
        when c.period_number <= 6 then substr(c.financial_year, 1, 4) || '-09-30'
        when c.period_number <= 9 then substr(c.financial_year, 1, 4) || '-12-31'
        else cast(cast(substr(c.financial_year, 1, 4) as integer) + 1 as varchar) || '-03-31'
    end as date) as quarter_end,
    cast(cast(cast(substr(c.financial_year, 1, 4) as integer) + 1 as varchar) || '-03-31' as date) as financial_year_end,
    c.cost_centre,
    c.cost_centre_name,
    c.account_code,
    c.account_name,
    c.transaction_type,
    c.base_type,
    c.is_adjustment,
    bt.txn_class,
    bt.measure,
    c.reverses_transaction_id,
    c.is_linked_adjustment,
    c.is_orphan_adjustment,
    c.person_key,
    c.match_method,
    c.is_person_in_case_data,
    c.effective_service_ref as service_ref,
    c.effective_service_start as service_period_start,
    c.effective_service_end as service_period_end,
    c.provider_id,
    c.provider_name,
    c.provider_cqc_location_id,
    c.quantity,
    c.unit_type,
    c.unit_rate,
    c.amount,
    -- money in integer pence: sums and identities compare exactly on every engine
    cast(c.amount * 100 as bigint) as amount_pence,
    c.rule_key,
    coalesce(c.rule_source, 'none') as rule_source,
    c.rule_key is null as is_unmapped,
    coalesce(c.include_in_asc, true) as include_in_asc,
    case
        when c.setting = 'unmapped' then 'unmapped'
        when c.setting = 'excluded_non_asc' then 'not_applicable'
        else c.rule_support_type
    end as support_type,
    c.setting,
    case
        when c.setting = 'unmapped' then 'unmapped'
        when c.setting = 'excluded_non_asc' then 'not_applicable'
        else c.resolved_psr
    end as primary_support_reason,
    case
        when c.setting = 'unmapped' then 'unmapped'
        when c.setting = 'excluded_non_asc' then 'not_applicable'
        else c.resolved_age_group
    end as age_group,
    case when c.setting = 'unmapped' then 'unmapped' else c.rule_cost_group end as cost_group,
    case
        when c.setting in ('unmapped', 'excluded_non_asc') then 'unclassified'
        else coalesce(c.rule_five_areas, s.default_five_areas_category)
    end as five_areas_category,
    c.dq_flags,
    c.is_revised_across_loads
from categorised as c
inner join types as bt on c.base_type = bt.transaction_type
left join settings as s on c.setting = s.setting

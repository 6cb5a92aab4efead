-- Case side of the finance <-> case reconciliation (finance_extract.md §9 "Scope"): one row per
-- service line per quarter it is active in, as fct_service_costs has them (read from its source
-- model int_cld__service_costs, so the intermediate layer never depends on a mart), except fully
-- health-funded lines. Expected cost = quarter_cost (§9 "Period"), in integer pence.
-- Unpaid carers' lines are in scope like service users' own: carers' direct payments and carers'
-- services are paid to or for the carer (cost centre CAR01 in the demo), and the seed that level 2
-- uses maps the carer settings to the unpaid-carer service types; leaving them out would show every
-- such payment as payment_without_package.
--
-- * The CLD Event Reference (§9 level 1) and the funding status are not carried by the cost model:
--   they are read from the very row the line was priced from in that quarter (load_id, row_number,
--   quarter_start identify one row of int_cld__events_prepared).
-- * Fully health-funded: the R1 value "Fully Health Funded" is listed but not expected in CLD
--   (cld_extract.md §5), so it maps to 'Invalid and not mapped'; it is recognised on the value as
--   submitted (value key), which is the only place it survives.
-- * Lines without a usable cost (no unit cost, no units, no frequency) take part in the existence
--   test only (§9): expected_pence is NULL and is_costed false. One-off lines are costed in the
--   quarter of their start and cost 0 in later quarters; "No charge to client" lines cost 0.
-- * setting is the finance setting the line would be paid under, from the seed that level 2 uses
--   (ref_finance_setting_services), read the other way: an exact component beats '*'; a direct
--   payment line prefers a *_direct_payments setting (carers' DPs and carers' other support share a
--   service type); then the setting code. No rule: 'unmapped'.
-- * matching_person_key is the person as the finance side resolves it (good_lives_extract.md §6,
--   the local-id map): under the coalesce rule a CLD row sent without the NHS number gets the
--   la_code_<id> identity, so one person's line can carry two person_keys across quarters; matching
--   compares this key, which is the NHS-number identity whenever the local id has exactly one.

with

costs as (
    select * from {{ ref('int_cld__service_costs') }}
),

rows_priced as (
    select
        load_id,
        row_number,
        quarter_start,
        event_reference,
        client_type_cleaned,
        client_funding_status_raw,
        nhs_number_hash,
        la_person_id_hash
    from {{ ref('int_cld__events_prepared') }}
    where event_type_cleaned = 'Service'
),

local_id_map as (
    select * from {{ ref('int_cld__local_id_map') }}
),

settings_map as (
    select * from {{ ref('ref_finance_setting_services') }}
),

lines as (
    select
        c.la_code,
        c.service_cost_key,
        c.service_line_key,
        c.event_key,
        c.person_id as person_key,
        case
            when r.nhs_number_hash is null and m.person_id is not null and not m.is_ambiguous then m.person_id
            else c.person_id
        end as matching_person_key,
        c.quarter_start,
        c.quarter_end,
        c.event_start_date,
        c.event_end_date,
        c.effective_start,
        c.effective_end,
        r.event_reference,
        r.client_type_cleaned as client_type,
        c.service_type,
        c.service_component,
        c.delivery_mechanism,
        c.cost_frequency,
        c.cost_flag,
        c.quarter_cost,
        coalesce({{ value_key('r.client_funding_status_raw') }}, '') = 'fully health funded' as is_fully_health_funded
    from costs as c
    inner join rows_priced as r
        on c.load_id = r.load_id and c.row_number = r.row_number and c.quarter_start = r.quarter_start
    left join local_id_map as m
        on c.la_code = m.la_code and r.la_person_id_hash = m.la_person_id_hash
),

setting_candidates as (
    select
        l.service_cost_key,
        m.setting,
        row_number() over (
            partition by l.service_cost_key
            order by
                case when m.service_component = '*' then 1 else 0 end,
                case
                    when
                        m.setting like '%direct_payments'
                        and (l.service_component = 'Direct payment' or l.delivery_mechanism like 'Direct payment%')
                        then 0
                    else 1
                end,
                m.setting
        ) as setting_rank
    from lines as l
    inner join settings_map as m
        on l.service_type = m.service_type
        and (m.service_component = '*' or l.service_component = m.service_component)
)

select
    l.la_code,
    l.service_cost_key,
    l.service_line_key,
    l.event_key,
    l.person_key,
    l.matching_person_key,
    l.quarter_start,
    l.quarter_end,
    l.event_start_date,
    l.event_end_date,
    l.effective_start,
    l.effective_end,
    l.event_reference,
    l.client_type,
    l.service_type,
    l.service_component,
    l.delivery_mechanism,
    l.cost_frequency,
    l.cost_flag,
    coalesce(s.setting, 'unmapped') as setting,
    l.cost_flag in ('costed', 'sign_corrected', 'one_off', 'no_charge') as is_costed,
    case
        when l.cost_flag in ('costed', 'sign_corrected', 'one_off') then cast(l.quarter_cost * 100 as bigint)
        when l.cost_flag = 'no_charge' then cast(0 as bigint)
    end as expected_pence
from lines as l
left join setting_candidates as s on l.service_cost_key = s.service_cost_key and s.setting_rank = 1
where not l.is_fully_health_funded

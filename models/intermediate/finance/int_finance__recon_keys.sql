-- Reconciliation status per LA × quarter × reconciliation key (finance_extract.md §9 "Grain",
-- "Status", "Tolerance"), in integer pence, for the quarters both sides cover
-- (int_finance__recon_periods).
--
-- Keys (the issue's clarification: the line-level table is keyed by service_line_key, the event
-- reference is only a matching hint):
--   service_line  a case line active in the quarter, or a line that level-1 matched money reaches
--                 in a quarter it is not active in;
--   person        money of a person that matched no line (match level 0);
--   service_ref   money with a service_ref but no person that matched no line.
--
-- Status (the first that applies):
--   package_without_payment  a line active in the quarter with something to pay (expected > 0, or
--                            no usable cost: the existence test) and no money matched to it in the
--                            quarter nor in the next finance_lag_quarters; provisional when the
--                            quarter is inside the lag window of the latest ledger quarter.
--   payment_without_package  money (≠ 0) on a key with no line active in the quarter, and no matching
--                            line (the same line; any line of the person; a line sent with the
--                            reference) active in the quarter ± finance_lag_quarters.
--   matched / value_mismatch |paid − expected| ≤ / > tolerance = max(finance_abs_tolerance,
--                            finance_rel_tolerance × expected), rounded to the penny. A paid line
--                            without a usable cost is matched: it takes part only in the existence
--                            test, so it has no expected cost, difference or tolerance.
-- A key with no line and money netting to zero in the quarter (a payment and its reversal) has
-- nothing to reconcile and is left out.
--
-- match_level: the best (lowest) level that brought non-zero money to the key in the quarter;
-- 0 when no money reached it, and for money that matched no line.

{%- set lag = var('finance_lag_quarters') %}
{%- set abs_tolerance_pence = "cast(round(cast(" ~ var('finance_abs_tolerance') ~ " as decimal(18, 2)) * 100, 0) as bigint)" %}

with

periods as (
    select * from {{ ref('int_finance__recon_periods') }}
),

lines as (
    select
        *,
        {{ quarter_index('quarter_start') }} as quarter_index
    from {{ ref('int_finance__recon_lines') }}
),

matches as (
    select
        *,
        {{ quarter_index('quarter_start') }} as quarter_index
    from {{ ref('int_finance__recon_matches') }}
),

-- one row per line: whose it is, its reference and setting, from its latest quarter (used for
-- the quarters level-1 money reaches it outside its active quarters)
line_attributes as (
    select
        service_line_key,
        person_key,
        event_reference,
        setting
    from (
        select
            service_line_key,
            person_key,
            event_reference,
            setting,
            row_number() over (partition by service_line_key order by quarter_start desc) as recency
        from lines
    ) as ranked
    where recency = 1
),

line_money as (
    select
        la_code,
        service_line_key,
        quarter_start,
        quarter_index,
        sum(matched_pence) as paid_pence,
        min(case when matched_pence <> 0 then match_level end) as match_level
    from matches
    where service_line_key is not null
    group by la_code, service_line_key, quarter_start, quarter_index
),

-- the finance setting most money went through, per key and quarter
money_settings as (
    select
        reconciliation_key,
        quarter_start,
        setting
    from (
        select
            coalesce(service_line_key, person_key, service_ref) as reconciliation_key,
            quarter_start,
            setting,
            row_number() over (
                partition by coalesce(service_line_key, person_key, service_ref), quarter_start
                order by sum(abs(matched_pence)) desc, setting
            ) as setting_rank
        from matches
        group by coalesce(service_line_key, person_key, service_ref), quarter_start, setting
    ) as ranked
    where setting_rank = 1
),

line_keys as (
    select
        coalesce(l.la_code, m.la_code) as la_code,
        coalesce(l.quarter_start, m.quarter_start) as quarter_start,
        coalesce(l.quarter_index, m.quarter_index) as quarter_index,
        'service_line' as reconciliation_key_type,
        coalesce(l.service_line_key, m.service_line_key) as reconciliation_key,
        coalesce(l.service_line_key, m.service_line_key) as service_line_key,
        l.service_line_key is not null as has_line,
        coalesce(l.is_costed, false) as is_costed,
        l.cost_flag,
        l.expected_pence,
        coalesce(m.paid_pence, 0) as paid_pence,
        coalesce(m.match_level, 0) as match_level,
        cast(null as {{ dbt.type_string() }}) as money_service_ref
    from lines as l
    full outer join line_money as m
        on l.service_line_key = m.service_line_key and l.quarter_start = m.quarter_start
),

-- money that matched no line, per person or (without a person) per service_ref
other_keys as (
    select
        la_code,
        quarter_start,
        quarter_index,
        case when person_key is not null then 'person' else 'service_ref' end as reconciliation_key_type,
        coalesce(person_key, service_ref) as reconciliation_key,
        cast(null as {{ dbt.type_string() }}) as service_line_key,
        false as has_line,
        false as is_costed,
        cast(null as {{ dbt.type_string() }}) as cost_flag,
        cast(null as bigint) as expected_pence,
        sum(matched_pence) as paid_pence,
        0 as match_level,
        -- a hint only: a reference the money carried (the greatest when it carried several)
        max(service_ref) as money_service_ref
    from matches
    where match_level = 0
    group by
        la_code,
        quarter_start,
        quarter_index,
        case when person_key is not null then 'person' else 'service_ref' end,
        coalesce(person_key, service_ref)
),

all_keys as (
    select * from line_keys
    union all
    select * from other_keys
),

reported as (
    select
        k.*,
        p.quarter_end,
        p.financial_year,
        p.is_in_lag_window
    from all_keys as k
    inner join periods as p on k.la_code = p.la_code and k.quarter_start = p.quarter_start
    where k.has_line or k.paid_pence <> 0
),

-- §9: money for the line in the next lag_quarters means the package is being paid (in arrears)
paid_later as (
    select distinct
        r.reconciliation_key,
        r.quarter_start
    from reported as r
    inner join line_money as m
        on r.service_line_key = m.service_line_key
        and m.quarter_index between r.quarter_index + 1 and r.quarter_index + {{ lag }}
    where r.has_line and r.paid_pence = 0 and m.paid_pence <> 0
),

-- §9: is a matching line active in the quarter ± lag_quarters?
active_nearby as (
    select distinct
        r.reconciliation_key,
        r.quarter_start
    from reported as r
    inner join lines as l
        on r.la_code = l.la_code
        and l.quarter_index between r.quarter_index - {{ lag }} and r.quarter_index + {{ lag }}
        and (
            (r.reconciliation_key_type = 'service_line' and l.service_line_key = r.reconciliation_key)
            or (r.reconciliation_key_type = 'person' and l.matching_person_key = r.reconciliation_key)
            or (r.reconciliation_key_type = 'service_ref' and l.event_reference = r.reconciliation_key)
        )
    where not r.has_line
),

assessed as (
    select
        r.*,
        a.person_key as line_person_key,
        a.event_reference as line_event_reference,
        a.setting as line_setting,
        s.setting as money_setting,
        pl.reconciliation_key is not null as is_paid_later,
        an.reconciliation_key is not null as has_line_nearby,
        case
            when r.is_costed then greatest(
                {{ abs_tolerance_pence }},
                cast(round(cast({{ var('finance_rel_tolerance') }} as decimal(18, 6)) * r.expected_pence, 0) as bigint)
            )
            when not r.has_line then {{ abs_tolerance_pence }}
        end as tolerance_pence
    from reported as r
    left join line_attributes as a on r.service_line_key = a.service_line_key
    left join money_settings as s on r.reconciliation_key = s.reconciliation_key and r.quarter_start = s.quarter_start
    left join paid_later as pl on r.reconciliation_key = pl.reconciliation_key and r.quarter_start = pl.quarter_start
    left join active_nearby as an on r.reconciliation_key = an.reconciliation_key and r.quarter_start = an.quarter_start
),

statused as (
    select
        *,
        case
            when has_line and paid_pence = 0 and (not is_costed or expected_pence > 0) and not is_paid_later
                then 'package_without_payment'
            when not has_line and not has_line_nearby then 'payment_without_package'
            when has_line and not is_costed then 'matched'
            when abs(paid_pence - coalesce(expected_pence, 0)) <= tolerance_pence then 'matched'
            else 'value_mismatch'
        end as status
    from assessed
)

select
    la_code,
    quarter_start,
    quarter_end,
    financial_year,
    reconciliation_key,
    reconciliation_key_type,
    service_line_key,
    case when reconciliation_key_type = 'person' then reconciliation_key else line_person_key end as person_key,
    coalesce(line_event_reference, money_service_ref) as service_ref,
    -- a line's own setting (from its CLD service type / component) unless it maps to none; money on
    -- no line: the finance setting of that money
    case
        when line_setting is not null and line_setting <> 'unmapped' then line_setting
        else coalesce(money_setting, line_setting, 'unmapped')
    end as setting,
    has_line,
    is_costed,
    cost_flag,
    case when is_costed or not has_line then coalesce(expected_pence, 0) end as expected_pence,
    cast(paid_pence as bigint) as paid_pence,
    cast(case when is_costed or not has_line then paid_pence - coalesce(expected_pence, 0) end as bigint) as difference_pence,
    tolerance_pence,
    status,
    match_level,
    status = 'package_without_payment' and is_in_lag_window as is_provisional
from statused

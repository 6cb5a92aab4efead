-- Domain-level attribution of each matched profile's weekly paid support (good_lives_extract.md §8):
-- one row per profile × service line × domain it is attributed to ('unattributed' when none).
-- Restricted: person-level.
--   Lines: the person's service lines active on profile_date with a weekly cost, from the quarter
--   row of the cost model that holds the date (int_cld__service_costs, the source of
--   fct_service_costs); one-off and uncosted lines have no weekly cost and are left out. A line's
--   person is matched as the finance side matches it (int_finance__recon_lines): a row sent
--   without NHS number takes the identity the local-id map gives its local id.
--   1. referenced rows: paid_service_ref lists the line's Event Reference; if none does, rows whose
--      paid_service_component lists its component → attribution_method = referenced;
--   2. else the rows with paid among the sources and no component or ref → unreferenced_paid
--      (always equal weights, §8 step 3);
--   3. else the pseudo-domain 'unattributed' (GL053), so totals reconcile.
--   Weights: var attribution_weights = equal (w/k) or need_weighted (high 3, moderate 2, low 1,
--   none 1).
-- Exact money: a line's weekly cost is split in integer pence (floor of w × weight / Σ weights, the
-- remaining pennies to the largest remainders, ties by domain order), so per person and line the
-- attributed amounts add up to w to the penny (the §8 invariant, tested). The split fraction is
-- kept (weight, total_weight) for anyone who needs the unrounded share. Deviation from "rounded
-- only for presentation": money is numeric(18,2) everywhere (marts.md), so the split must land on
-- pennies; largest remainders keep every sum exact.

{%- set need_weighted = var('attribution_weights') == 'need_weighted' %}

with

profile_rows as (
    select
        p.la_code,
        p.person_key,
        p.profile_date,
        p.profile_row_key,
        p.domain,
        d.sort_order as domain_order,
        p.need_level,
        p.has_paid,
        p.paid_service_component,
        p.paid_service_ref,
        p.paid_fit_effective
    from {{ ref('int_good_lives__profiles') }} as p
    inner join {{ ref('good_lives_domains') }} as d on p.domain = d.code
    where p.is_current and p.is_matched
),

profiles as (
    select distinct la_code, person_key, profile_date from profile_rows
),

priced_rows as (
    select
        load_id,
        row_number,
        quarter_start,
        event_reference,
        nhs_number_hash,
        la_person_id_hash
    from {{ ref('int_cld__events_prepared') }}
    where event_type_cleaned = 'Service'
),

cost_rows as (
    select
        c.la_code,
        c.service_line_key,
        c.service_cost_key,
        c.service_component,
        c.weekly_cost,
        c.quarter_start,
        c.quarter_end,
        c.event_start_date,
        c.event_end_date,
        r.event_reference,
        case
            when r.nhs_number_hash is null and m.person_id is not null and not m.is_ambiguous then m.person_id
            else c.person_id
        end as matching_person_key
    from {{ ref('int_cld__service_costs') }} as c
    inner join priced_rows as r
        on c.load_id = r.load_id and c.row_number = r.row_number and c.quarter_start = r.quarter_start
    left join {{ ref('int_cld__local_id_map') }} as m
        on c.la_code = m.la_code and r.la_person_id_hash = m.la_person_id_hash
    where c.weekly_cost is not null
),

lines as (
    select
        p.la_code,
        p.person_key,
        p.profile_date,
        c.service_line_key,
        c.service_cost_key,
        c.service_component,
        c.event_reference,
        c.weekly_cost,
        cast(c.weekly_cost * 100 as bigint) as weekly_pence
    from profiles as p
    inner join cost_rows as c
        on
            p.la_code = c.la_code and p.person_key = c.matching_person_key
            and p.profile_date between c.quarter_start and c.quarter_end
            and c.event_start_date <= p.profile_date
            and (c.event_end_date is null or c.event_end_date >= p.profile_date)
),

by_ref as (
    select
        l.service_cost_key,
        l.profile_date,
        r.profile_row_key
    from lines as l
    inner join profile_rows as r
        on
            l.la_code = r.la_code and l.person_key = r.person_key and l.profile_date = r.profile_date
            and l.event_reference is not null
            and '|' || r.paid_service_ref || '|' like '%|' || l.event_reference || '|%'
),

by_component as (
    select
        l.service_cost_key,
        l.profile_date,
        r.profile_row_key
    from lines as l
    inner join profile_rows as r
        on
            l.la_code = r.la_code and l.person_key = r.person_key and l.profile_date = r.profile_date
            and '|' || r.paid_service_component || '|' like '%|' || l.service_component || '|%'
    where not exists (
        select 1 from by_ref as b
        where b.service_cost_key = l.service_cost_key and b.profile_date = l.profile_date
    )
),

referenced as (
    select service_cost_key, profile_date, profile_row_key from by_ref
    union
    select service_cost_key, profile_date, profile_row_key from by_component
),

unreferenced_paid as (
    select
        l.service_cost_key,
        l.profile_date,
        r.profile_row_key
    from lines as l
    inner join profile_rows as r
        on
            l.la_code = r.la_code and l.person_key = r.person_key and l.profile_date = r.profile_date
            and r.has_paid and r.paid_service_component is null and r.paid_service_ref is null
    where not exists (
        select 1 from referenced as x
        where x.service_cost_key = l.service_cost_key and x.profile_date = l.profile_date
    )
),

targets as (
    select
        t.service_cost_key,
        t.profile_date,
        t.profile_row_key,
        'referenced' as attribution_method
    from referenced as t
    union all
    select
        t.service_cost_key,
        t.profile_date,
        t.profile_row_key,
        'unreferenced_paid' as attribution_method
    from unreferenced_paid as t
),

weighted as (
    select
        l.la_code,
        l.person_key,
        l.profile_date,
        l.service_line_key,
        l.service_cost_key,
        l.service_component,
        l.weekly_cost,
        l.weekly_pence,
        t.attribution_method,
        r.profile_row_key,
        r.domain,
        r.domain_order,
        r.need_level,
        r.paid_fit_effective,
        {%- if need_weighted %}
        case
            when t.attribution_method = 'unreferenced_paid' then 1
            when r.need_level = 'high' then 3
            when r.need_level = 'moderate' then 2
            else 1
        end as weight
        {%- else %}
        1 as weight
        {%- endif %}
    from lines as l
    inner join targets as t on l.service_cost_key = t.service_cost_key and l.profile_date = t.profile_date
    inner join profile_rows as r on t.profile_row_key = r.profile_row_key
),

shares as (
    select
        *,
        sum(weight) over (partition by la_code, person_key, profile_date, service_cost_key) as total_weight
    from weighted
),

floored as (
    select
        *,
        {{ floor_div('weekly_pence * weight', 'total_weight') }} as floor_pence,
        (weekly_pence * weight) % total_weight as remainder_part
    from shares
),

ranked as (
    select
        *,
        weekly_pence - sum(floor_pence) over (
            partition by la_code, person_key, profile_date, service_cost_key
        ) as pennies_left,
        row_number() over (
            partition by la_code, person_key, profile_date, service_cost_key
            order by remainder_part desc, domain_order asc
        ) as remainder_rank
    from floored
),

attributed as (
    select
        la_code,
        person_key,
        profile_date,
        service_line_key,
        service_cost_key,
        service_component,
        weekly_cost,
        attribution_method,
        profile_row_key,
        domain,
        need_level,
        paid_fit_effective,
        weight,
        total_weight,
        cast((floor_pence + case when remainder_rank <= pennies_left then 1 else 0 end) * 0.01 as decimal(18, 2))
            as attributed_weekly_cost
    from ranked
),

unattributed as (
    select
        l.la_code,
        l.person_key,
        l.profile_date,
        l.service_line_key,
        l.service_cost_key,
        l.service_component,
        l.weekly_cost,
        'unattributed' as attribution_method,
        cast(null as varchar) as profile_row_key,
        'unattributed' as domain,
        cast(null as varchar) as need_level,
        cast(null as varchar) as paid_fit_effective,
        1 as weight,
        1 as total_weight,
        l.weekly_cost as attributed_weekly_cost
    from lines as l
    where not exists (
        select 1 from targets as t
        where t.service_cost_key = l.service_cost_key and t.profile_date = l.profile_date
    )
)

select
    {{ surrogate_key(['la_code', 'person_key', 'profile_date', 'service_cost_key', 'domain']) }} as attribution_key,
    *
from (
    select * from attributed
    union all
    select * from unattributed
) as all_rows

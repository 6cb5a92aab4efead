-- Every loaded good-lives row with its person identity and match (good_lives_extract.md §6) and
-- the booleans the marts need (§4 output). Restricted: person-level.
--   Identity, as the finance extract resolves it (int_finance__ledger): 1. the local id through the
--   case data's identity map (local_id_map; the NHS-number identity wins in the coalesce case);
--   2. else a valid NHS number (nhs_number); 3. else la_code_<id> (local_id_only). A local id mapped
--   to two NHS-number identities is ambiguous: no person_key, unmatched (GL051).
--   GL054: a valid NHS number that differs from the NHS-number identity the map holds for the local
--   id; the mapped identity is kept. (A map entry that is only the la_code_<id> form holds no NHS
--   number to disagree with, so it raises nothing.)
--   Matched: the person_key exists in the case data for the same la_code (int_cld__person_attributes,
--   the source of dim_person: intermediate models never read marts).
--   GL014: profile_date before the matched person's birth month (proxy date of birth).
--   GL052: a paid_service_ref that is none of the person's CLD service line references.

with

profiles as (
    select * from {{ ref('stg_good_lives__profiles') }}
),

local_id_map as (
    select * from {{ ref('int_cld__local_id_map') }}
),

people as (
    select
        la_code,
        person_id,
        birth_year,
        birth_month
    from {{ ref('int_cld__person_attributes') }}
),

identified as (
    select
        p.*,
        case
            when m.is_ambiguous then null
            when m.person_id is not null then m.person_id
            when p.nhs_number_hash is not null then p.nhs_number_hash
            else p.la_person_id_hash
        end as person_key,
        case
            when m.is_ambiguous then 'ambiguous_local_id'
            when m.person_id is not null then 'local_id_map'
            when p.nhs_number_hash is not null then 'nhs_number'
            else 'local_id_only'
        end as match_method,
        coalesce(
            not m.is_ambiguous
            and m.person_id <> p.la_person_id_hash
            and p.nhs_number_hash is not null
            and p.nhs_number_hash <> m.person_id,
            false
        ) as is_nhs_number_conflict
    from profiles as p
    left join local_id_map as m on p.la_code = m.la_code and p.la_person_id_hash = m.la_person_id_hash
),

-- the event references of each person's CLD service lines (read from the rows the lines were
-- priced from, as int_finance__recon_lines does: the cost model does not carry the reference)
person_refs as (
    select distinct
        c.la_code,
        c.person_id as person_key,
        r.event_reference
    from {{ ref('int_cld__service_costs') }} as c
    inner join {{ ref('int_cld__events_prepared') }} as r
        on c.load_id = r.load_id and c.row_number = r.row_number and c.quarter_start = r.quarter_start
    where r.event_reference is not null
),

ref_hits as (
    select
        i.profile_source_row_key,
        count(distinct x.event_reference) as refs_found
    from identified as i
    inner join person_refs as x
        on
            i.la_code = x.la_code and i.person_key = x.person_key
            and '|' || i.paid_service_ref || '|' like '%|' || x.event_reference || '|%'
    where i.paid_service_ref is not null
    group by i.profile_source_row_key
),

flagged as (
    select
        i.*,
        pe.person_id is not null as is_matched,
        pe.birth_year,
        pe.birth_month,
        '|' || coalesce(i.support_sources, '') || '|' as sources_key,
        -- refs given = separators + 1 (the list is '|'-joined)
        case
            when i.paid_service_ref is null then 0
            else length(i.paid_service_ref) - length(replace(i.paid_service_ref, '|', '')) + 1
        end as refs_given,
        coalesce(h.refs_found, 0) as refs_found
    from identified as i
    left join people as pe on i.la_code = pe.la_code and i.person_key = pe.person_id
    left join ref_hits as h on i.profile_source_row_key = h.profile_source_row_key
),

booleans as (
    select
        *,
        sources_key like '%|paid|%' as has_paid,
        sources_key like '%|family|%' as has_family,
        sources_key like '%|community|%' as has_community,
        sources_key like '%|technology|%' as has_technology,
        support_sources = 'none' as has_none
    from flagged
)

select
    profile_source_row_key,
    profile_row_key,
    load_id,
    received_at,
    la_code,
    la_person_id_hash,
    person_key,
    -- one id per profile person for counting: the ambiguous (unmatched) still count once each
    coalesce(person_key, la_person_id_hash) as counting_key,
    match_method,
    is_matched,
    is_nhs_number_conflict,
    profile_date,
    practitioner_team,
    domain,
    strength_rating,
    has_strength_text,
    need_level,
    has_goal_text,
    goal_status,
    matters_most,
    support_sources,
    paid_service_component,
    paid_service_ref,
    support_fit,
    paid_fit,
    feels_like_home,
    has_paid,
    has_family,
    has_community,
    has_technology,
    coalesce(has_none, false) as has_none,
    support_sources is null as is_support_not_recorded,
    -- §4: blank paid_fit → support_fit whenever paid is a source
    case when has_paid then coalesce(paid_fit, support_fit) end as paid_fit_effective,
    -- §7 exclusive mix (unpaid = family, community or technology)
    case
        when support_sources is null then 'not_recorded'
        when support_sources = 'none' then 'none'
        when has_paid and (has_family or has_community or has_technology) then 'paid_and_unpaid'
        when has_paid then 'paid_only'
        else 'unpaid_only'
    end as support_mix,
    -- GL041: a complete profile has all seven domains
    count(*) over (partition by la_code, la_person_id_hash, profile_date, is_current) = 7 as is_complete_profile,
    coalesce(
        is_matched and profile_date < {{ proxy_dob('birth_year', 'birth_month') }}, false
    ) as is_before_birth,
    refs_found < refs_given as has_unknown_service_ref,
    is_current
from booleans

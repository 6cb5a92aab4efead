-- The whole-person picture (good_lives_extract.md §4 output, context.md §3 (a)): one row per
-- person × profile date × domain, the current revision of each (GL040), coded columns only.
-- Restricted: no local ids, NHS numbers, profile ids or text (§1), only person_key. Unmatched rows
-- stay (is_matched = false, GL051); GL014 / GL052 / GL054 are flags here, GL053 is the
-- 'unattributed' spend of int_good_lives__spend_attribution.

select
    profile_row_key,
    person_key,
    la_code,
    profile_date,
    domain,
    practitioner_team,
    strength_rating,
    need_level,
    goal_status,
    matters_most,
    support_sources,
    paid_service_component,
    support_fit,
    paid_fit,
    feels_like_home,
    is_matched,
    match_method,
    has_strength_text,
    has_goal_text,
    has_paid,
    has_family,
    has_community,
    has_technology,
    has_none,
    paid_fit_effective,
    support_mix,
    is_complete_profile,
    is_before_birth as is_gl014_before_birth,
    has_unknown_service_ref as is_gl052_unknown_service_ref,
    is_nhs_number_conflict as is_gl054_nhs_number_conflict,
    load_id
from {{ ref('int_good_lives__profiles') }}
where is_current

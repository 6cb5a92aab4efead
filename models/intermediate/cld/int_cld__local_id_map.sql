-- The case data's identity map (good_lives_extract.md §6 "Identity", used by the finance and
-- good-lives extracts): LA × keyed LA person id → the person_id the selected CLD rows resolved it
-- to. Other extracts often carry only the local id; looking it up here gives the same person_key
-- as the case data even where CLD identified the person by NHS number. When a local id maps to
-- both an NHS-number identity and its own la_code_<id> form (the coalesce case) the NHS-number
-- identity wins; a local id mapped to two different NHS-number identities is ambiguous.

with

rows_with_ids as (
    select
        s.la_code,
        s.la_person_id_hash,
        i.person_id,
        i.person_id <> s.la_person_id_hash as is_nhs_identity
    from {{ ref('int_cld__events_selected') }} as s
    inner join {{ ref('int_cld__person_identity') }} as i on s.selected_row_id = i.selected_row_id
    where s.la_person_id_hash is not null and i.person_id is not null
)

select
    la_code,
    la_person_id_hash,
    case
        when count(distinct case when is_nhs_identity then person_id end) = 1
            then max(case when is_nhs_identity then person_id end)
        when count(distinct case when is_nhs_identity then person_id end) = 0
            then max(person_id)
    end as person_id,
    count(distinct case when is_nhs_identity then person_id end) > 1 as is_ambiguous
from rows_with_ids
group by la_code, la_person_id_hash

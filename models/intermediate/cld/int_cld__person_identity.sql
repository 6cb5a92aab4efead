-- Person identity (processing_rules.md §1), chosen among the keyed hashes ingest computed.
--   coalesce (default, DHSC): NHS number, else la_code_LAid.
--   hybrid (NHS England): NHS number; la_code_LAid only when that LA id never appears with an
--   NHS number on any selected row of the LA; otherwise excluded (la_id_linked_to_nhs_number).
-- nhs_number_hash is present only for valid numbers (ingest drops invalid ones from identity).

with

selected as (
    select * from {{ ref('int_cld__events_selected') }}
),

linked_local_ids as (
    select distinct
        la_code,
        la_person_id_hash
    from selected
    where nhs_number_hash is not null and la_person_id_hash is not null
),

chosen as (
    select
        s.selected_row_id,
        {%- if var('person_id_rule') == 'hybrid' %}
        case
            when s.nhs_number_hash is not null then s.nhs_number_hash
            when s.la_person_id_hash is not null and l.la_person_id_hash is null then s.la_person_id_hash
        end as person_id,
        case
            when s.nhs_number_hash is not null then null
            when s.la_person_id_hash is null then 'no_person_identifier'
            when l.la_person_id_hash is not null then 'la_id_linked_to_nhs_number'
        end as identity_exclusion
        {%- else %}
        coalesce(s.nhs_number_hash, s.la_person_id_hash) as person_id,
        case
            when s.nhs_number_hash is null and s.la_person_id_hash is null then 'no_person_identifier'
        end as identity_exclusion
        {%- endif %}
    from selected as s
    left join linked_local_ids as l
        on s.la_code = l.la_code and s.la_person_id_hash = l.la_person_id_hash
)

select
    selected_row_id,
    person_id,
    identity_exclusion,
    '{{ var("person_id_rule") }}' as person_id_rule
from chosen

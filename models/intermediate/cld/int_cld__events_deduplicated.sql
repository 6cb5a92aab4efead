-- One row per unique event across all quarters (processing_rules.md §5, joined mode).
-- Key: la_code, person, event type, start date, client type, plus per type the death-corrected end
-- date (not services), route of access (requests), assessment type (assessments), service type and
-- component (services). Cleaned values are compared, except that an invalid value keeps its raw
-- text. Open services at the end of a non-final quarter that no later quarter carries are cropped
-- to that quarter's end (§3.6). The kept row is one submitted row, never a merge, chosen by:
--   latest file derived period end; open end first, then latest end; outcome hierarchy rank;
--   conversation first; latest load; highest row number; then, for the same submitted row carried
--   by several quarters of one file, the latest such quarter (a total order: same result on every
--   adapter).

with

prepared as (
    select * from {{ ref('int_cld__events_prepared') }}
    where exclusion_reason is null
),

keyed as (
    select
        *,
        {{ event_key() }} as event_key
    from prepared
),

cropped as (
    select
        *,
        case
            when
                event_type_cleaned = 'Service'
                and der_event_end_date is null
                and not is_final_quarter
                and quarter_start = max(quarter_start) over (partition by event_key)
                then quarter_end
            else der_event_end_date
        end as final_end_date
    from keyed
),

ranked as (
    select
        *,
        row_number() over (
            partition by event_key
            order by
                derived_period_end desc,
                case when final_end_date is null then 0 else 1 end,
                final_end_date desc,
                coalesce(event_outcome_rank, 99),
                case when is_conversation then 0 else 1 end,
                received_at desc,
                load_id desc,
                row_number desc,
                quarter_start desc
        ) as keep_rank,
        count(*) over (partition by event_key) as submitted_copies
    from cropped
)

select
    event_key,
    person_id,
    la_code,
    event_type_cleaned as event_type,
    event_start_date,
    final_end_date as event_end_date,
    event_end_date as submitted_end_date,
    person_date_of_death,
    submitted_copies,
    selected_row_id,
    source_row_id,
    load_id,
    source_file,
    row_number,
    received_at,
    spec_release,
    derived_period_end,
    quarter_start as selected_quarter_start,
    event_reference,
    event_description,
    is_conversation,
    event_outcome_rank,
    {%- for f in cld_coded_fields() %}
    {{ f }}_raw,
    {{ f }}_cleaned,
    {{ f }}_grouped,
    {%- endfor %}
    provider_cqc_location_id,
    has_dq_flags
from ranked
where keep_rank = 1

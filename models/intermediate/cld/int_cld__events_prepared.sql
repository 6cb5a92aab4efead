-- Selected rows with their person, the person-level date of death, the death-corrected end date
-- and the first exclusion that applies, in the order of processing_rules.md §3:
--   1 no person identifier (or the hybrid rule's exclusion); not an event (blank/invalid type)
--   2 event starting after the date of death; open or later-ending events end on the death date
--   3 end before start (after death correction)
--   4 request, assessment or review with no end date
-- Nothing is deleted: excluded rows keep their reason.

with

selected as (
    select * from {{ ref('int_cld__events_selected') }}
),

identity as (
    select * from {{ ref('int_cld__person_identity') }}
),

deaths as (
    select * from {{ ref('int_cld__person_deaths') }}
),

joined as (
    select
        s.*,
        i.person_id,
        i.identity_exclusion,
        d.date_of_death as person_date_of_death,
        case
            when
                d.date_of_death is not null
                and s.event_start_date <= d.date_of_death
                and (s.event_end_date is null or s.event_end_date > d.date_of_death)
                then d.date_of_death
            else s.event_end_date
        end as der_event_end_date
    from selected as s
    inner join identity as i on s.selected_row_id = i.selected_row_id
    left join deaths as d on s.la_code = d.la_code and i.person_id = d.person_id
)

select
    *,
    case
        when identity_exclusion is not null then identity_exclusion
        when event_type_cleaned is null or event_type_cleaned = 'Invalid and not mapped' then 'event_type_missing'
        when person_date_of_death is not null and event_start_date > person_date_of_death then 'event_after_death'
        when der_event_end_date < event_start_date then 'end_before_start'
        when event_type_cleaned in ('Request', 'Assessment', 'Review') and der_event_end_date is null
            then 'not_completed'
    end as exclusion_reason
from joined

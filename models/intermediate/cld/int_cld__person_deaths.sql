-- One date of death per person (processing_rules.md §6): a non-null date beats null, then the
-- latest load (a corrected resubmission wins), then the latest date within that load.

with

rows_with_death as (
    select
        s.la_code,
        i.person_id,
        s.date_of_death,
        s.received_at,
        s.load_id
    from {{ ref('int_cld__events_selected') }} as s
    inner join {{ ref('int_cld__person_identity') }} as i on s.selected_row_id = i.selected_row_id
    where i.person_id is not null and s.date_of_death is not null
),

ranked as (
    select
        *,
        row_number() over (
            partition by la_code, person_id
            order by received_at desc, load_id desc, date_of_death desc
        ) as death_rank
    from rows_with_death
)

select
    la_code,
    person_id,
    date_of_death
from ranked
where death_rank = 1

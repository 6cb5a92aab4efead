-- good_lives_extract.md §8 invariant: per person (and profile), Σ attributed + unattributed = Σ w
-- over the lines, exactly; and each line is split into exactly its own weekly cost. Returns the
-- profiles or lines that do not add up.

with

attribution as (
    select * from {{ ref('int_good_lives__spend_attribution') }}
),

per_line as (
    select
        la_code,
        person_key,
        profile_date,
        service_cost_key,
        max(weekly_cost) as weekly_cost,
        min(weekly_cost) as min_weekly_cost,
        sum(attributed_weekly_cost) as attributed
    from attribution
    group by la_code, person_key, profile_date, service_cost_key
),

per_person as (
    select
        la_code,
        person_key,
        profile_date,
        sum(weekly_cost) as lines_total,
        sum(attributed) as attributed_total
    from per_line
    group by la_code, person_key, profile_date
)

select la_code, person_key, profile_date, 'line' as failing
from per_line
where weekly_cost <> attributed or weekly_cost <> min_weekly_cost
union all
select la_code, person_key, profile_date, 'person' as failing
from per_person
where lines_total <> attributed_total

-- The additive relations between good_lives_area_profile counts (good_lives_extract.md §7,
-- metrics.md §1.3): if exactly one member of a relation were hidden it could be recovered by
-- subtraction.
--   mix: within each la_code × period × cohort_type × domain group, for each cohort value, the five
--     exclusive mix counts add up to people_profiled (§7 "a single suppressed cell in a group
--     always forces a second one");
--   cohorts: for each measure, the cohort values of one cohort type add up to the 'all' cell of
--     the same domain (every cohort type partitions the people, unmatched included). §7 names
--     the group only; this relation spans two groups, and without it a hidden cohort cell could be
--     recovered from the published 'all' row, which metrics.md §1.3 forbids.

with

cells as (
    select * from {{ ref('int_good_lives__area_cells') }}
    where people is not null
),

mix as (
    select
        {{ surrogate_key(["'mix'", 'la_code', 'period_type', 'period_start', 'cohort_type', 'cohort_value', 'domain']) }}
            as relation_id,
        cell_id,
        'mix' as relation_kind
    from cells
    where measure in (
        'people_profiled', 'mix_paid_only', 'mix_paid_and_unpaid', 'mix_unpaid_only', 'mix_none', 'mix_not_recorded'
    )
),

cohort_members as (
    select
        {{ surrogate_key(["'cohorts'", 'c.la_code', 'c.period_type', 'c.period_start', 'c.cohort_type', 'c.domain', 'c.measure']) }}
            as relation_id,
        c.cell_id,
        a.cell_id as total_cell_id
    from cells as c
    inner join cells as a
        on
            c.la_code = a.la_code and c.period_type = a.period_type and c.period_start = a.period_start
            and c.domain = a.domain and c.measure = a.measure and a.cohort_type = 'all'
    where c.cohort_type <> 'all'
),

cohorts as (
    select relation_id, cell_id, 'cohorts' as relation_kind from cohort_members
    union
    select relation_id, total_cell_id as cell_id, 'cohorts' as relation_kind from cohort_members
)

select relation_id, cell_id, relation_kind from mix
union all
select relation_id, cell_id, relation_kind from cohorts

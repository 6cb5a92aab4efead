-- Primary and secondary suppression of the good_lives_area_profile counts (good_lives_extract.md
-- §7, metrics.md §1.3): one row per count cell with its outcome. The relations are in
-- int_good_lives__suppression_relations; the passes are the shared macro (macros/suppression.sql,
-- var suppression_passes), and the singular test assert_good_lives_no_relation_has_one_suppressed_cell
-- fails if they were not enough. Ties in the secondary pick go by cohort value, domain and measure
-- order. Zero counts are never hidden.

with

cells as (
    select
        cell_id,
        people as cell_count,
        cohort_value || ':' || domain || ':' || measure as sort_key
    from {{ ref('int_good_lives__area_cells') }}
    where people is not null
),

relations as (
    select relation_id, cell_id from {{ ref('int_good_lives__suppression_relations') }}
),

{{ suppression_passes('cells', 'relations') }}

select
    cell_id,
    cell_count,
    is_suppressed,
    suppression_reason
from pass_{{ var('suppression_passes') }}

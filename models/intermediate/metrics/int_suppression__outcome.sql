{{ metric_partitioned() }}
-- Primary then secondary suppression over every cell (metrics.md §1.3 and §8):
--   primary: a count of 1-4 (var suppression_max_count) is hidden (small_count);
--   secondary: while a relation has exactly one hidden member, also hide its smallest remaining
--   non-zero member (ties: sort order). Unrolled as a fixed number of passes (var
--   suppression_passes); the singular test assert_no_relation_has_one_suppressed_cell fails if
--   that was not enough. The passes are the shared macro suppression_passes (macros/suppression.sql),
--   which good_lives_area_profile uses too.

with

relations as (
    select relation_id, cell_id from {{ metric_ref('int_suppression__relations') }} as in_scope
),

cells as (
    select cell_id, period_end, cell_count, sort_key from {{ metric_ref('int_suppression__cells') }} as in_scope
),

{{ suppression_passes('cells', 'relations') }}

select
    p.cell_id,
    c.period_end,
    p.cell_count,
    p.is_suppressed,
    p.suppression_reason
from pass_{{ var('suppression_passes') }} as p
inner join cells as c on p.cell_id = c.cell_id

-- good_lives_extract.md §7 / metrics.md §1.3: after secondary suppression no additive relation of
-- good_lives_area_profile may have exactly one hidden member. Returns the offending relations.

select r.relation_id
from {{ ref('int_good_lives__suppression_relations') }} as r
inner join {{ ref('int_good_lives__suppression') }} as o on r.cell_id = o.cell_id
group by r.relation_id
having sum(case when o.is_suppressed then 1 else 0 end) = 1

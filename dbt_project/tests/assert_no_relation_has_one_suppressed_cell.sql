-- metrics.md §8: after secondary suppression no additive relation may have exactly one hidden
-- member (it could be recovered by subtraction). Returns the offending relations.

select r.relation_id
from {{ ref('int_suppression__relations') }} as r
inner join {{ ref('int_suppression__outcome') }} as o on r.cell_id = o.cell_id
group by r.relation_id
having sum(case when o.is_suppressed then 1 else 0 end) = 1

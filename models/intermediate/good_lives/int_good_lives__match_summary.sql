-- How well each good-lives load matches the case data (good_lives_extract.md §6 "Matching"): one
-- row per load over all its loaded rows (revised or not), for the CLI summary and dq_scorecard.
-- The match rate is over the load's distinct people; below var good_lives_min_match_rate (95%) a
-- warn-severity test reports it. Percentages are 1 dp half away from zero (metrics.md §1.2).

with

profiles as (
    select * from {{ ref('int_good_lives__profiles') }}
),

per_load as (
    select
        load_id,
        min(la_code) as la_code,
        count(distinct la_code) as la_codes,
        count(*) as profile_rows,
        count(distinct la_code || ':' || counting_key) as people,
        count(distinct case when is_matched then la_code || ':' || counting_key end) as matched_people,
        count(distinct la_code || ':' || counting_key || ':' || cast(profile_date as varchar)) as profiles,
        sum(case when is_matched then 0 else 1 end) as gl051_unmatched_rows,
        sum(case when match_method = 'ambiguous_local_id' then 1 else 0 end) as ambiguous_rows,
        sum(case when is_nhs_number_conflict then 1 else 0 end) as gl054_nhs_conflict_rows,
        sum(case when is_before_birth then 1 else 0 end) as gl014_before_birth_rows,
        sum(case when has_unknown_service_ref then 1 else 0 end) as gl052_unknown_ref_rows,
        sum(case when is_current then 0 else 1 end) as revised_rows
    from profiles
    group by load_id
)

select
    p.load_id,
    a.source_file,
    a.received_at,
    p.la_code,
    p.la_codes,
    p.profile_rows,
    p.profiles,
    p.people,
    p.matched_people,
    p.people - p.matched_people as unmatched_people,
    {{ tenths('cast(p.matched_people as bigint) * 1000', 'p.people') }} as match_rate,
    {{ var('good_lives_min_match_rate') }} as min_match_rate,
    -- exact comparison in integers: matched / people < min% ⇔ 100 × matched < min × people
    100 * p.matched_people < {{ var('good_lives_min_match_rate') }} * p.people as is_below_min_match_rate,
    p.gl051_unmatched_rows,
    p.ambiguous_rows,
    p.gl054_nhs_conflict_rows,
    p.gl014_before_birth_rows,
    p.gl052_unknown_ref_rows,
    p.revised_rows
from per_load as p
inner join {{ source('audit', 'loads') }} as a on p.load_id = a.load_id

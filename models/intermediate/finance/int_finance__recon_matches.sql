-- Matching of the finance side to the case side (finance_extract.md §9 "Matching order"): each
-- linked payment share (int_finance__recon_payments, one transaction in one quarter) is matched by
-- the first level that finds a line; the rows here say which line gets how many pence.
--   1  service_ref = the CLD Event Reference of a service line of the same LA, and the person
--      agrees when the payment names one (event references are not reliable keys on their own).
--      A reference names a package, not a quarter: the line matches even when it is not active in
--      the payment's quarter (the status model then decides between a mismatch and
--      payment_without_package). Several lines with the reference (a line's key changes when its
--      cost or its person identity changes between files): the one active in the quarter, else
--      the one active nearest to it, then the line key.
--   The person is compared as the finance side resolves it (matching_person_key, the local-id
--   map), at every level.
--   2  the same person_key, a line whose service type / component is compatible with the
--      payment's finance setting (seed ref_finance_setting_services, '*' = any component), active
--      in the quarter and overlapping the part of the service period in it.
--   3  the same person_key alone: any of the person's lines active in the quarter.
-- Levels 2 and 3 spread the amount over the lines found pro rata to their expected cost (equally
-- when none has a cost), exactly: each line but the last (by line key) gets its share rounded half
-- away from zero, the last the remainder. Unmatched shares stay with match_level 0.

with

payments as (
    select * from {{ ref('int_finance__recon_payments') }}
    where is_linked
),

lines as (
    select * from {{ ref('int_finance__recon_lines') }}
),

settings_map as (
    select * from {{ ref('ref_finance_setting_services') }}
),

-- every line under each event reference it was sent with, and the quarters it is active in
referenced_lines as (
    select
        la_code,
        service_line_key,
        matching_person_key,
        event_reference,
        min(quarter_start) as first_quarter_start,
        max(quarter_start) as last_quarter_start
    from lines
    where event_reference is not null
    group by la_code, service_line_key, matching_person_key, event_reference
),

level_1_candidates as (
    select
        p.allocation_key,
        r.service_line_key,
        row_number() over (
            partition by p.allocation_key
            order by
                case when a.service_line_key is null then 1 else 0 end,
                case
                    when p.quarter_start < r.first_quarter_start then {{ days_between('p.quarter_start', 'r.first_quarter_start') }}
                    when p.quarter_start > r.last_quarter_start then {{ days_between('r.last_quarter_start', 'p.quarter_start') }}
                    else 0
                end,
                r.service_line_key
        ) as candidate_rank
    from payments as p
    inner join referenced_lines as r
        on p.la_code = r.la_code
        and p.service_ref = r.event_reference
        and (p.person_key is null or p.person_key = r.matching_person_key)
    left join lines as a
        on r.service_line_key = a.service_line_key and p.quarter_start = a.quarter_start
),

level_1 as (
    select
        allocation_key,
        service_line_key
    from level_1_candidates
    where candidate_rank = 1
),

after_level_1 as (
    select p.*
    from payments as p
    left join level_1 as m on p.allocation_key = m.allocation_key
    where m.allocation_key is null and p.person_key is not null
),

level_2_candidates as (
    select distinct
        p.allocation_key,
        l.service_line_key,
        l.expected_pence
    from after_level_1 as p
    inner join lines as l
        on p.la_code = l.la_code
        and p.person_key = l.matching_person_key
        and p.quarter_start = l.quarter_start
        and l.effective_start <= p.overlap_end
        and l.effective_end >= p.overlap_start
    inner join settings_map as m
        on p.setting = m.setting
        and l.service_type = m.service_type
        and (m.service_component = '*' or l.service_component = m.service_component)
),

level_3_candidates as (
    select
        p.allocation_key,
        l.service_line_key,
        l.expected_pence
    from after_level_1 as p
    inner join lines as l
        on p.la_code = l.la_code
        and p.person_key = l.matching_person_key
        and p.quarter_start = l.quarter_start
    where p.allocation_key not in (select c.allocation_key from level_2_candidates as c)
),

spread_candidates as (
    select
        2 as match_level,
        allocation_key,
        service_line_key,
        expected_pence
    from level_2_candidates
    union all
    select
        3 as match_level,
        allocation_key,
        service_line_key,
        expected_pence
    from level_3_candidates
),

weighted as (
    select
        c.match_level,
        c.allocation_key,
        c.service_line_key,
        p.allocated_pence,
        coalesce(c.expected_pence, 0) as expected_pence,
        cast(sum(coalesce(c.expected_pence, 0)) over (partition by c.allocation_key) as bigint) as total_expected,
        count(*) over (partition by c.allocation_key) as candidate_lines,
        row_number() over (partition by c.allocation_key order by c.service_line_key desc) = 1 as is_last_line
    from spread_candidates as c
    inner join payments as p on c.allocation_key = p.allocation_key
),

spread_shares as (
    select
        *,
        case
            when total_expected > 0 then {{ div_round_half_up('allocated_pence * expected_pence', 'total_expected') }}
            else {{ div_round_half_up('allocated_pence', 'candidate_lines') }}
        end as rounded_pence
    from weighted
),

spread as (
    select
        match_level,
        allocation_key,
        service_line_key,
        case
            when is_last_line
                then allocated_pence - (sum(rounded_pence) over (partition by allocation_key) - rounded_pence)
            else rounded_pence
        end as matched_pence
    from spread_shares
),

matched as (
    select
        1 as match_level,
        p.allocation_key,
        m.service_line_key,
        p.allocated_pence as matched_pence
    from payments as p
    inner join level_1 as m on p.allocation_key = m.allocation_key
    union all
    select
        match_level,
        allocation_key,
        service_line_key,
        matched_pence
    from spread
    union all
    select
        0 as match_level,
        p.allocation_key,
        cast(null as {{ dbt.type_string() }}) as service_line_key,
        p.allocated_pence as matched_pence
    from payments as p
    where
        p.allocation_key not in (select l1.allocation_key from level_1 as l1)
        and p.allocation_key not in (select s.allocation_key from spread_candidates as s)
)

select
    {{ surrogate_key(['m.allocation_key', 'm.service_line_key']) }} as match_key,
    m.allocation_key,
    p.transaction_key,
    p.la_code,
    p.quarter_start,
    p.quarter_end,
    m.match_level,
    m.service_line_key,
    p.person_key,
    p.service_ref,
    p.setting,
    p.transaction_type,
    p.is_contribution_added_back,
    cast(m.matched_pence as bigint) as matched_pence
from matched as m
inner join payments as p on m.allocation_key = p.allocation_key

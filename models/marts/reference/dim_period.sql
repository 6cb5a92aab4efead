-- Every reporting period any LA has (metrics.md §8 "Periods"): one row per period type, start and
-- end, with its financial year and a label for BI axes.

select distinct
    period_type,
    period_start,
    period_end,
    financial_year,
    period_days,
    case period_type
        when 'financial_year' then financial_year
        when 'quarter' then financial_year || ' Q' || case cast(extract(month from period_start) as integer)
            when 4 then '1' when 7 then '2' when 10 then '3' else '4' end
        else '12 months to ' || cast(period_end as varchar)
    end as period_label
from {{ ref('int_periods') }}

-- Population denominators per LA, period and band (metrics.md §1.4): single years summed to the
-- band, from the mid-year inside the period (mid-2024 for 2024-25; for a rolling 12 months the
-- 30 June it contains). When that mid-year is not loaded the latest earlier one is used and
-- flagged (is_latest_available_fallback) so method_version can say so; none at all → no row,
-- which the metrics turn into population_missing.

with

bands as (
    select
        la_code,
        mid_year,
        max(vintage) as vintage,
        sum(case when age between 18 and 64 then population else 0 end) as pop_18_64,
        sum(case when age >= 65 then population else 0 end) as pop_65_plus,
        sum(case when age >= 18 then population else 0 end) as pop_18_plus
    from {{ ref('ref_population') }}
    group by la_code, mid_year
),

periods as (
    select
        la_code,
        period_type,
        period_start,
        period_end,
        -- the 30 June inside a 12-month period; a quarter uses its financial year's mid-year
        cast(extract(year from {{ financial_year_start('period_start') }}) as integer)
        + case
            when period_type <> 'quarter' and extract(month from period_start) > 6 then 1
            when period_type <> 'quarter' and extract(month from period_start) < 4 then 1
            else 0
        end as mid_year_wanted
    from {{ ref('int_periods') }}
),

chosen as (
    select
        p.la_code,
        p.period_type,
        p.period_start,
        p.period_end,
        p.mid_year_wanted,
        max(b.mid_year) as mid_year_used
    from periods as p
    inner join bands as b on p.la_code = b.la_code and b.mid_year <= p.mid_year_wanted
    group by p.la_code, p.period_type, p.period_start, p.period_end, p.mid_year_wanted
)

select
    c.la_code,
    c.period_type,
    c.period_start,
    c.period_end,
    band.age_band,
    -- bigint on both: sum(bigint) is HUGEINT on DuckDB and numeric on Postgres
    cast(case band.age_band
        when '18 to 64' then b.pop_18_64
        when '65 and above' then b.pop_65_plus
        else b.pop_18_plus
    end as bigint) as population,
    c.mid_year_wanted,
    c.mid_year_used,
    c.mid_year_used < c.mid_year_wanted as is_latest_available_fallback,
    b.vintage
from chosen as c
inner join bands as b on c.la_code = b.la_code and c.mid_year_used = b.mid_year
cross join (values ('18 to 64'), ('65 and above'), ('18 and over')) as band (age_band)

-- Population by council, mid-year and band (reference_data.md §2 "Output"): 18-64, 65+, 18+,
-- 65-74, 75-84 and 85+ from single years (90 = 90 and over). Loaded mid-years have
-- is_latest_available_fallback = false; a period whose own mid-year is missing borrows the latest
-- earlier one (int_population__period_bands), shown here as a fallback row for that mid-year.

with

single_years as (
    select * from {{ ref('ref_population') }}
),

loaded as (
    select
        single_years.la_code,
        single_years.mid_year,
        band.age_band,
        cast(sum(
            case
                when band.age_band = '18 to 64' and single_years.age between 18 and 64 then single_years.population
                when band.age_band = '65 and above' and single_years.age >= 65 then single_years.population
                when band.age_band = '18 and over' and single_years.age >= 18 then single_years.population
                when band.age_band = '65 to 74' and single_years.age between 65 and 74 then single_years.population
                when band.age_band = '75 to 84' and single_years.age between 75 and 84 then single_years.population
                when band.age_band = '85 and over' and single_years.age >= 85 then single_years.population
                else 0
            end
        ) as bigint) as population,
        max(single_years.vintage) as vintage,
        false as is_latest_available_fallback
    from single_years
    cross join (
        values ('18 to 64'), ('65 and above'), ('18 and over'), ('65 to 74'), ('75 to 84'), ('85 and over')
    ) as band (age_band)
    group by single_years.la_code, single_years.mid_year, band.age_band
),

fallbacks as (
    select distinct
        f.la_code,
        f.mid_year_wanted as mid_year,
        l.age_band,
        l.population,
        l.vintage,
        true as is_latest_available_fallback
    from {{ ref('int_population__period_bands') }} as f
    inner join loaded as l on f.la_code = l.la_code and f.mid_year_used = l.mid_year
    where f.is_latest_available_fallback
)

select * from loaded
union all
select * from fallbacks

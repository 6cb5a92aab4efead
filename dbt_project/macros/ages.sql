{# Age in whole years at a date from the proxy date of birth (1st of the birth month), per
   processing_rules.md §4: floor(days / 365.25); null when unknown or implausible. Integer
   arithmetic (days * 4 // 1461) keeps it exact on every adapter. #}
{% macro age_at(birth_year, birth_month, at_date) -%}
    case
        when {{ birth_year }} is null or {{ birth_month }} is null or {{ at_date }} is null then null
        when {{ days_between(proxy_dob(birth_year, birth_month), at_date) }} < 0
            or {{ age_years_raw(birth_year, birth_month, at_date) }} >= {{ var('max_plausible_age') }} then null
        else {{ age_years_raw(birth_year, birth_month, at_date) }}
    end
{%- endmacro %}

{% macro age_years_raw(birth_year, birth_month, at_date) -%}
    {{ floor_div(
        '4 * ' ~ days_between(proxy_dob(birth_year, birth_month), at_date),
        '1461') }}
{%- endmacro %}

{% macro proxy_dob(birth_year, birth_month) -%}
    make_date(cast({{ birth_year }} as integer), cast({{ birth_month }} as integer), 1)
{%- endmacro %}

{# Floor division for a possibly negative integer numerator and a positive denominator. #}
{% macro floor_div(numerator, denominator) -%}
    {{ return(adapter.dispatch('floor_div')(numerator, denominator)) }}
{%- endmacro %}

{% macro duckdb__floor_div(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}

{% macro default__floor_div(numerator, denominator) -%}
    cast(floor(cast({{ numerator }} as numeric) / ({{ denominator }})) as integer)
{%- endmacro %}

{# Age bands (processing_rules.md §4). #}
{% macro age_band(age) -%}
    case
        when {{ age }} is null then 'Unknown'
        when {{ age }} < 18 then 'Under 18'
        when {{ age }} <= 24 then '18 to 24'
        when {{ age }} <= 44 then '25 to 44'
        when {{ age }} <= 64 then '45 to 64'
        when {{ age }} <= 74 then '65 to 74'
        when {{ age }} <= 84 then '75 to 84'
        when {{ age }} <= 94 then '85 to 94'
        else '95 and above'
    end
{%- endmacro %}

{% macro working_age_band(age) -%}
    case
        when {{ age }} is null then 'Unknown'
        when {{ age }} < 18 then 'Under 18'
        when {{ age }} <= 64 then '18 to 64'
        else '65 and above'
    end
{%- endmacro %}

{# Exact integer division rounded half away from zero (metrics.md §1.2). DuckDB's `/` returns a
   DOUBLE even for integers, so integer division is spelt per adapter. Arguments must be integers;
   the denominator must be positive. #}
{% macro div_round_half_up(numerator, denominator) -%}
    {{ return(adapter.dispatch('div_round_half_up')(numerator, denominator)) }}
{%- endmacro %}

{% macro duckdb__div_round_half_up(numerator, denominator) -%}
    (case when ({{ numerator }}) < 0 then -1 else 1 end
        * ((2 * abs({{ numerator }}) + ({{ denominator }})) // (2 * ({{ denominator }}))))
{%- endmacro %}

{% macro default__div_round_half_up(numerator, denominator) -%}
    (case when ({{ numerator }}) < 0 then -1 else 1 end
        * ((2 * abs({{ numerator }}) + ({{ denominator }})) / (2 * ({{ denominator }}))))
{%- endmacro %}

{# Whole days between two dates (later minus earlier). #}
{% macro days_between(start_date, end_date) -%}
    {{ return(adapter.dispatch('days_between')(start_date, end_date)) }}
{%- endmacro %}

{% macro duckdb__days_between(start_date, end_date) -%}
    date_diff('day', cast({{ start_date }} as date), cast({{ end_date }} as date))
{%- endmacro %}

{% macro default__days_between(start_date, end_date) -%}
    (cast({{ end_date }} as date) - cast({{ start_date }} as date))
{%- endmacro %}

{# Add whole days to a date, returning a date. #}
{% macro add_days(date_expr, days) -%}
    cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}

{# First day of the quarter holding a date (financial quarters are calendar quarters). #}
{% macro quarter_start(date_expr) -%}
    cast(date_trunc('quarter', {{ date_expr }}) as date)
{%- endmacro %}

{# Last day of the quarter holding a date. #}
{% macro quarter_end(date_expr) -%}
    cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, "date_trunc('quarter', " ~ date_expr ~ ")")) }} as date)
{%- endmacro %}

{# The integers 0 .. upper-1 as a relation with column n (no generate_series: it differs per adapter). #}
{% macro integers(upper) -%}
    select n from (
        select d0.n + 10 * d1.n + 100 * d2.n as n
        from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as d0 (n)
        cross join (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as d1 (n)
        cross join (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as d2 (n)
    ) as digits
    where n < {{ upper }}
{%- endmacro %}

{# Financial year label ('2024-25') of the year holding a date (years run 1 April - 31 March). #}
{% macro financial_year_label(date_expr) -%}
    (cast(extract(year from {{ date_expr }}) - case when extract(month from {{ date_expr }}) < 4 then 1 else 0 end as varchar)
        || '-'
        || right(cast(extract(year from {{ date_expr }}) + case when extract(month from {{ date_expr }}) < 4 then 0 else 1 end as varchar), 2))
{%- endmacro %}

{# Start (1 April) of the financial year holding a date. #}
{% macro financial_year_start(date_expr) -%}
    make_date(cast(extract(year from {{ date_expr }}) - case when extract(month from {{ date_expr }}) < 4 then 1 else 0 end as integer), 4, 1)
{%- endmacro %}

{# Percentile by linear interpolation (metrics.md §8 "Percentiles"): quantile_cont on DuckDB,
   percentile_cont ... within group on Postgres. An aggregate: use it with group by. #}
{% macro percentile_cont(expr, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont')(expr, fraction)) }}
{%- endmacro %}

{% macro duckdb__percentile_cont(expr, fraction) -%}
    quantile_cont({{ expr }}, {{ fraction }})
{%- endmacro %}

{% macro default__percentile_cont(expr, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expr }})
{%- endmacro %}

{# div_round_half_up for products that can pass the bigint range (e.g. pence × people × days in
   the Three Conversations cost-avoidance estimate): 128-bit integers on DuckDB (`//` on DECIMAL
   would return a DOUBLE), exact numeric with div() on Postgres. Same rounding: half away from zero
   (metrics.md §1.2); the denominator must be positive. #}
{% macro div_round_half_up_wide(numerator, denominator) -%}
    {{ return(adapter.dispatch('div_round_half_up_wide')(numerator, denominator)) }}
{%- endmacro %}

{% macro duckdb__div_round_half_up_wide(numerator, denominator) -%}
    (case when ({{ numerator }}) < 0 then -1 else 1 end
        * ((2 * abs(cast({{ numerator }} as hugeint)) + cast({{ denominator }} as hugeint))
            // (2 * cast({{ denominator }} as hugeint))))
{%- endmacro %}

{% macro default__div_round_half_up_wide(numerator, denominator) -%}
    (case when ({{ numerator }}) < 0 then -1 else 1 end
        * div(2 * abs(cast({{ numerator }} as numeric)) + cast({{ denominator }} as numeric),
            2 * cast({{ denominator }} as numeric)))
{%- endmacro %}

{# The integer type of those products: cast the first factor to it so no intermediate overflows. #}
{% macro wide_integer() -%}
    {{ return(adapter.dispatch('wide_integer')()) }}
{%- endmacro %}

{% macro duckdb__wide_integer() -%}hugeint{%- endmacro %}

{% macro default__wide_integer() -%}numeric{%- endmacro %}

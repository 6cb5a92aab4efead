{# A quarter's position on one running scale (year x 4 + quarter - 1), so "the next quarter" and
   "quarters between" are integer arithmetic on every adapter (calendar quarters are the financial
   quarters). #}
{% macro quarter_index(date_expr) -%}
    (cast(extract(year from {{ date_expr }}) as integer) * 4 + cast(extract(quarter from {{ date_expr }}) as integer) - 1)
{%- endmacro %}

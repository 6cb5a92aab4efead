{# Use the folder's schema name as is (raw, staging, intermediate, marts, seeds) rather than
   dbt's default "<target schema>_<custom>", so BI tools find `marts.<table>` on every target. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}

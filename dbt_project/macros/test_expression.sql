{# Generic test: every row satisfies a SQL boolean expression (named so it never clashes with a
   dbt_utils test; hub packages are unreachable here). #}
{% test expression_is_true(model, column_name, expression) %}
    select * from {{ model }} where not ({{ expression }})
{% endtest %}

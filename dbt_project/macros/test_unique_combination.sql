{# Generic primary-key test over several columns: no two rows share the combination, and no part
   of the key is null. Usage (YAML): data_tests: [unique_combination: {arguments: {columns: [a, b]}}] #}
{% test unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as copies
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1 or {% for c in columns %}{{ c }} is null{% if not loop.last %} or {% endif %}{% endfor %}
{% endtest %}

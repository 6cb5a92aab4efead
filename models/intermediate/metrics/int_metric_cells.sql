{{ metric_partitioned() }}
-- Every metric family's exact counts in one long table (the interface each int_metric_cells__*
-- model follows; see the YAML). Values, suppression, dq_status and method_version are applied
-- downstream, once, for every family alike.

{%- set families = metric_cell_models() %}

{%- set columns = [
    ('la_code', 'varchar'), ('period_type', 'varchar'), ('period_start', 'date'), ('period_end', 'date'),
    ('metric_id', 'varchar'), ('breakdown', 'varchar'), ('breakdown_value', 'varchar'),
    ('numerator', 'bigint'), ('denominator', 'bigint'), ('median_days', 'decimal(18, 4)'),
    ('null_reason', 'varchar'), ('is_provisional', 'boolean'), ('dq_rows', 'bigint'), ('dq_failed', 'bigint'),
] %}

{%- if families | length == 0 %}
select
    {%- for name, type in columns %}
    cast(null as {{ type }}) as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
where 1 = 0
{%- else %}
{%- for family in families %}
select
    {%- for name, type in columns %}
    cast({{ name }} as {{ type }}) as {{ name }}{{ "," if not loop.last }}
    {%- endfor %}
from {{ metric_ref(family) }} as {{ family }}
{{ "union all" if not loop.last }}
{%- endfor %}
{%- endif %}

{# The metric-cell models that feed commissioning_metrics (one per metric family, each with the
   columns documented on int_metric_cells). A family is listed once it is built. #}
{% macro metric_cell_models() -%}
    {{ return(['int_metric_cells__reablement']) }}
{%- endmacro %}

{# A published value from exact counts (metrics.md §1.2): half away from zero, once, 1 dp, via
   integer arithmetic so DuckDB never rounds a binary double. Scaling by 0.1 is exact in DECIMAL. #}
{% macro tenths(numerator, denominator) -%}
    cast(cast({{ div_round_half_up(numerator, denominator) }} as decimal(18, 0)) * 0.1 as decimal(18, 2))
{%- endmacro %}

{% macro metric_value(unit, numerator, denominator, period_days, median_days) -%}
    case {{ unit }}
        when 'percent' then {{ tenths('cast(' ~ numerator ~ ' as bigint) * 1000', denominator) }}
        when 'per_100k' then {{ tenths('cast(' ~ numerator ~ ' as bigint) * 1000000', denominator) }}
        when 'per_week' then {{ tenths('cast(' ~ numerator ~ ' as bigint) * 70', period_days) }}
        when 'median_days' then {{ tenths('cast(' ~ median_days ~ ' * 10000 as bigint)', '1000') }}
        when 'count' then cast({{ numerator }} as decimal(18, 2))
    end
{%- endmacro %}

{# dq_status from the share of in-scope rows failing a check on the fields a metric depends on
   (metrics.md §1.1): <= 5% ok, <= 20% warn, otherwise fail. Exact integer comparisons. #}
{% macro dq_status(failed, checked) -%}
    case
        when coalesce({{ checked }}, 0) = 0 then 'ok'
        when 100 * {{ failed }} <= 5 * {{ checked }} then 'ok'
        when 100 * {{ failed }} <= 20 * {{ checked }} then 'warn'
        else 'fail'
    end
{%- endmacro %}

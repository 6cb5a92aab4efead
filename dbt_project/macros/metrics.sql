{# The metric-cell models that feed commissioning_metrics (one per metric family, each with the
   columns documented on int_metric_cells). A family is listed once it is built. #}
{% macro metric_cell_models() -%}
    {{ return(['int_metric_cells__requests', 'int_metric_cells__reablement', 'int_metric_cells__lts', 'int_metric_cells__cohorts', 'int_metric_cells__waiting_times', 'int_metric_cells__hospital', 'int_metric_cells__finance']) }}
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
        {#- finance (int_metric_cells__finance): pence; pence over 1/120,000ths of a day; amounts x 10^8 over hours x 10^4 #}
        when 'gbp' then {{ pence_to_gbp(numerator) }}
        when 'gbp_per_week' then {{ pence_to_gbp(div_round_half_up('cast(' ~ numerator ~ ' as bigint) * 840000', denominator)) }}
        when 'gbp_per_hour' then {{ pence_to_gbp(div_round_half_up(numerator, 'cast(' ~ denominator ~ ' as bigint) * 100')) }}
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

{# The cells of the published aggregate marts that join the suppression pass, one select per mart
   with columns (cell_id, mart, la_code, period_type, period_start, cell_count, sort_key). The
   same expressions give the cell_id when the mart reads its outcome back. #}
{% macro request_outcome_cell_id(alias='') -%}
    'request_outcomes:' || {{ surrogate_key([alias ~ 'la_code', alias ~ 'period_type', alias ~ 'period_start', alias ~ 'client_status', alias ~ 'route_of_access', alias ~ 'age_band', alias ~ 'sts001_sequel']) }}
{%- endmacro %}

{% macro lts_cube_cell_id(alias='') -%}
    'cohort_long_term_support:' || {{ surrogate_key([alias ~ 'la_code', alias ~ 'period_type', alias ~ 'period_start', alias ~ 'snapshot', alias ~ 'support_setting', alias ~ 'primary_support_reason', alias ~ 'age_band']) }}
{%- endmacro %}

{% macro aggregate_suppression_cells() -%}
    select
        {{ request_outcome_cell_id() }} as cell_id,
        'request_outcomes' as mart,
        la_code,
        period_type,
        period_start,
        period_end,
        requests as cell_count,
        client_status || route_of_access || age_band || sts001_sequel as sort_key
    from {{ metric_ref('int_request_outcomes') }} as request_outcomes
    union all
    select
        {{ lts_cube_cell_id() }} as cell_id,
        'cohort_long_term_support' as mart,
        la_code,
        period_type,
        period_start,
        period_end,
        people as cell_count,
        snapshot || support_setting || primary_support_reason || age_band as sort_key
    from {{ metric_ref('int_cohort_long_term_support') }} as lts_cube
{%- endmacro %}

{# Working-age band of a detailed age band (processing_rules.md §4). #}
{% macro working_band_of(age_band) -%}
    case
        when {{ age_band }} in ('18 to 24', '25 to 44', '45 to 64') then '18 to 64'
        when {{ age_band }} in ('65 to 74', '75 to 84', '85 to 94', '95 and above') then '65 and above'
        else {{ age_band }}
    end
{%- endmacro %}

{# Finance metrics (metrics.md §6) carry money in scaled integers, not counts of people: they are
   never suppressed (§1.3 "Money totals are not suppressed") and their numerator and denominator
   are not published in commissioning_metrics (the money is in spend_by_category and unit_costs). #}
{% macro is_money_metric(metric_id) -%}
    ({{ metric_id }} like 'SPEND!_%' escape '!' or {{ metric_id }} like 'UNIT!_COST!_%' escape '!')
{%- endmacro %}

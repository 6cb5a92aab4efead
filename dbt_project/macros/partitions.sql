{#- Financial-year partitions of the metrics layer (issue: "metrics materialise per financial year so
    a new quarter does not recompute history that did not change").

    The var metric_financial_years (null = every year) lists the years a run rebuilds, e.g.
    ["2024-25", "2023-24"]. Every per-period model (tag metrics_partitioned) is incremental with the
    delete_insert_years strategy: it deletes the rows of those years and inserts the rows it just
    computed for them; other years' rows stay as they were. A period belongs to the financial year
    of its end date (int_periods.financial_year), so quarters, rolling 12 months and financial years
    ending in a year are rebuilt together. With the var null the models are rebuilt whole, exactly
    as plain tables. -#}

{#- The years in scope as a list, or none for every year. Accepts a list or a comma-separated
    string; each must look like 2024-25 (they are inlined into SQL). Under --full-refresh every
    year is in scope whatever the var says. -#}
{% macro metric_financial_years() -%}
    {%- set raw = var('metric_financial_years', none) -%}
    {#- --full-refresh rebuilds the tables from nothing, so it must rebuild every year -#}
    {%- if raw is none or raw == '' or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set items = raw.split(',') if raw is string else raw -%}
    {%- set years = [] -%}
    {%- for item in items -%}
        {%- set year = (item | string).strip() -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}', year) -%}
            {{ exceptions.raise_compiler_error("metric_financial_years: '" ~ year ~ "' is not a financial year like 2024-25") }}
        {%- endif -%}
        {%- do years.append(year) -%}
    {%- endfor -%}
    {{ return(years) }}
{%- endmacro %}

{#- A predicate: the row's financial year is in scope. `column` holds a financial-year label, or with
    from_date=true a period end date whose financial year is taken. -#}
{% macro in_metric_years(column, from_date=false) -%}
    {%- set years = metric_financial_years() -%}
    {%- if years is none -%}
        true
    {%- elif years | length == 0 -%}
        false
    {%- else -%}
        {{ financial_year_label(column) if from_date else column }} in (
            {%- for year in years %}'{{ year }}'{{ ", " if not loop.last }}{% endfor -%}
        )
    {%- endif -%}
{%- endmacro %}

{#- The reporting periods in scope: int_periods limited to the run's financial years. A derived
    table, so a model's other int_periods lookups (coverage, data start) stay whole. -#}
{% macro metric_periods(alias='periods_in_scope') -%}
    (select * from {{ ref('int_periods') }} where {{ in_metric_years('financial_year') }}) as {{ alias }}
{%- endmacro %}

{#- Config of a per-period model: incremental by financial year. period_end names the column whose
    financial year places a row (quarter_end for per-quarter tables). With every year in scope the
    model is rebuilt whole (full_refresh), so a full build is exactly the table build it replaces,
    and a schema change in a partial run fails loudly instead of leaving old years short. -#}
{% macro metric_partitioned(period_end='period_end') -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='delete_insert_years',
        metric_period_end=period_end,
        full_refresh=(true if metric_financial_years() is none else none),
        on_schema_change='fail',
        tags=['metrics_partitioned'],
    ) }}
{%- endmacro %}

{#- The delete+insert strategy by financial year (called by the incremental materialization of
    dbt-duckdb and dbt-postgres alike): delete every in-scope year's rows, then insert the in-scope
    rows just computed. Keyed by year rather than by row so a period that no longer has rows (a
    withdrawn load) is emptied too; the insert filter keeps a model that read whole upstream tables
    from duplicating years out of scope. -#}
{% macro get_incremental_delete_insert_years_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set period_end = config.get('metric_period_end', 'period_end') -%}
    delete from {{ target }}
    where {{ in_metric_years(period_end, from_date=true) }};

    insert into {{ target }} ({{ columns }})
    select {{ columns }}
    from {{ source }}
    where {{ in_metric_years(period_end, from_date=true) }}
{%- endmacro %}

{#- Another per-period model's rows in scope, as a derived table (the caller names it): a model that
    reads a partitioned table whole would otherwise recompute every year only to discard most. -#}
{% macro metric_ref(name, period_end='period_end') -%}
    (select * from {{ ref(name) }} where {{ in_metric_years(period_end, from_date=true) }})
{%- endmacro %}

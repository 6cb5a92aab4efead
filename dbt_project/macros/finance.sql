{# Integer pence as GBP numeric(18,2), exactly: scaling a DECIMAL by 0.01 never goes through a
   binary double (DuckDB's `/` would). #}
{% macro pence_to_gbp(pence) -%}
    cast(cast({{ pence }} as decimal(18, 0)) * 0.01 as decimal(18, 2))
{%- endmacro %}

{# The finance_extract.md §4 measures of a set of int_finance__ledger rows, in integer pence, as
   aggregate expressions (one per measure), so spend_by_category, the ledger checks and the metric
   cells add up the same way. `alias` prefixes the ledger columns. #}
{% macro finance_measure_pence(measure, alias='') -%}
    {%- set a = alias ~ '.' if alias else '' -%}
    {%- if measure == 'gross_expenditure' -%}
        {#- expenditure rows, less income from other councils (inter_authority rows are negative) -#}
        sum(case when {{ a }}txn_class in ('expenditure', 'inter_authority') then {{ a }}amount_pence else 0 end)
    {%- elif measure == 'capital_charges' -%}
        sum(case when {{ a }}txn_class = 'capital' then {{ a }}amount_pence else 0 end)
    {%- elif measure in ('income_client_contributions', 'income_nhs', 'income_joint_arrangements', 'income_other') -%}
        -sum(case when {{ a }}txn_class = 'income' and {{ a }}measure = '{{ measure }}' then {{ a }}amount_pence else 0 end)
    {%- elif measure == 'income' -%}
        -sum(case when {{ a }}txn_class = 'income' then {{ a }}amount_pence else 0 end)
    {%- elif measure == 'gross_current_expenditure' -%}
        {#- GCE: all income except client contributions is deducted -#}
        sum(case
            when {{ a }}txn_class in ('expenditure', 'inter_authority') then {{ a }}amount_pence
            when {{ a }}txn_class = 'income' and {{ a }}measure <> 'income_client_contributions' then {{ a }}amount_pence
            else 0
        end)
    {%- elif measure == 'net_current_expenditure' -%}
        sum(case when {{ a }}txn_class in ('expenditure', 'inter_authority', 'income') then {{ a }}amount_pence else 0 end)
    {%- elif measure == 'memo_specific_grants' -%}
        -sum(case when {{ a }}txn_class = 'memo' then {{ a }}amount_pence else 0 end)
    {%- elif measure == 'memo_third_party_top_ups' -%}
        sum(case when {{ a }}txn_class = 'excluded' then {{ a }}amount_pence else 0 end)
    {%- elif measure == 'accrual_amount' -%}
        sum(case when {{ a }}transaction_type in ('accrual', 'accrual_reversal') then {{ a }}amount_pence else 0 end)
    {%- elif measure == 'ledger_total' -%}
        sum({{ a }}amount_pence)
    {%- else -%}
        {{ exceptions.raise_compiler_error("finance_measure_pence: unknown measure " ~ measure) }}
    {%- endif -%}
{%- endmacro %}

{# The published money measures of spend_by_category, in order. #}
{% macro finance_measures() -%}
    {{ return([
        'gross_expenditure', 'capital_charges', 'income_client_contributions', 'income_nhs',
        'income_joint_arrangements', 'income_other', 'income', 'gross_current_expenditure',
        'net_current_expenditure', 'memo_specific_grants', 'memo_third_party_top_ups',
        'accrual_amount', 'ledger_total'
    ]) }}
{%- endmacro %}

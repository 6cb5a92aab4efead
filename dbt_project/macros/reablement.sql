{# Reablement (ST-Max) settings and ASCOF 2A counted categories (processing_rules.md §8.5 and §12
   "2A method variant"; metrics.md ASCOF_2A).

   `ascof_2a_method` switches the windows and the counted categories together:
     dhsc_2425 (default)  cluster gap 7 days, sequel window 7 days, DHSC 2024/25 lists;
     nhse_2324            cluster gap 1 day,  sequel window 3 days, NHS England 2023/24 (SALT) lists.
   The gap and window stay overridable: under nhse_2324 a var still at its DHSC default (7) takes the
   NHS England value, any other value is an explicit override and wins under either method. The vars
   keep their DHSC defaults in dbt_project.yml because other measures (ASCOF 2D: "7-day clustering")
   read them directly. #}

{% macro ascof_2a_method() -%}
    {%- set method = var('ascof_2a_method', 'dhsc_2425') -%}
    {%- if method not in ['dhsc_2425', 'nhse_2324'] -%}
        {{ exceptions.raise_compiler_error("ascof_2a_method must be dhsc_2425 or nhse_2324, got " ~ method) }}
    {%- endif -%}
    {{ return(method) }}
{%- endmacro %}

{% macro _reablement_method_days(var_name, nhse_value) -%}
    {%- set value = var(var_name) | int -%}
    {%- if ascof_2a_method() == 'nhse_2324' and value == 7 -%}
        {{ return(nhse_value) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{# §8.5.1: a line joins the cluster when it starts no more than this many days after the latest end so far. #}
{% macro reablement_cluster_gap_days() -%}
    {{ return(_reablement_method_days('stmax_cluster_gap_days', 1)) }}
{%- endmacro %}

{# §8.5.5: window events start no later than the cluster end plus this many days. #}
{% macro reablement_sequel_window_days() -%}
    {{ return(_reablement_method_days('stmax_sequel_window_days', 3)) }}
{%- endmacro %}

{# metrics.md ASCOF_2A denominator (both methods count the same sequels; they differ in the numerator).
   DHSC 2024/25 lists them by value. NHS England 2023/24 counts LTS + ongoing low level + short term
   other + no services (universal/signposted) + no services (other); its CLD mapping (Central
   Transformation Principles, STS002a) puts "Support ended as planned" with nothing following under
   no services - other, and short-term residential/nursing care is short term support (other). #}
{% macro ascof_2a_long_term_sequels() -%}
    {{ return([
        'Long term support: Nursing care', 'Long term support: Residential care',
        'Long term support: Community', 'Long term support: Prison',
    ]) }}
{%- endmacro %}

{% macro ascof_2a_denominator_sequels() -%}
    {{ return(ascof_2a_long_term_sequels() + [
        'Short term support: Ongoing low level', 'Short term support: Other short term',
        'Short term support: Residential or Nursing care',
        'NFA: Information and advice or signposting', 'NFA: Support ended as planned',
        'NFA: Responsibility moved to another local authority', 'NFA: Other',
        'NFA: No services offered for other reason', 'NFA: Support ended for other reason',
        'NFA: Referral to other service within the local authority',
    ]) }}
{%- endmacro %}

{# The denominator minus the long-term settings, and under DHSC 2024/25 also minus short-term
   residential or nursing care (a bed-based outcome is not "no ongoing support"). #}
{% macro ascof_2a_numerator_sequels() -%}
    {%- set removed = ascof_2a_long_term_sequels() -%}
    {%- if ascof_2a_method() == 'dhsc_2425' -%}
        {%- set removed = removed + ['Short term support: Residential or Nursing care'] -%}
    {%- endif -%}
    {{ return(ascof_2a_denominator_sequels() | reject('in', removed) | list) }}
{%- endmacro %}

{# A SQL boolean: the value is one of the listed strings. #}
{% macro stmax_value_in(expr, values) -%}
    ({{ expr }} is not null and {{ expr }} in ({% for v in values %}'{{ v }}'{% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}

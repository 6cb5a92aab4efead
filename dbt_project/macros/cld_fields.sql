{# The coded CLD fields (orchestration/defs/ingest/contract.py CODED_FIELDS) and those whose
   national list is not held (seeds/code_lists/unseeded_code_fields.csv). A pytest keeps these
   lists equal to their Python and seed twins. #}
{% macro cld_coded_fields() -%}
    {{ return([
        'gender', 'ethnicity', 'client_type', 'primary_support_reason', 'accommodation_status',
        'employment_status', 'has_unpaid_carer', 'autism_spectrum_disorder_asd', 'visual_impairment',
        'hearing_impairment', 'dementia', 'client_funding_status', 'event_type', 'event_outcome',
        'request_route_of_access', 'assessment_type', 'eligible_needs_identified', 'method_of_assessment',
        'informal_carer_involved_in_assessment', 'total_hrs_caring_per_week', 'service_type',
        'service_component', 'delivery_mechanism', 'review_reason', 'review_outcomes_achieved',
        'method_of_review', 'cost_frequency_unit_type'
    ]) }}
{%- endmacro %}

{% macro cld_unseeded_fields() -%}
    {{ return(['method_of_assessment', 'review_outcomes_achieved', 'total_hrs_caring_per_week']) }}
{%- endmacro %}

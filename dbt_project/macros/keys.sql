{# Value key (cld_extract.md §4.3): lower-case, & -> and, non-alphanumerics -> one space, trimmed.
   Must match orchestration/defs/ingest/keys.py::value_key (a unit test checks both). #}
{% macro value_key(expr) -%}
    trim(regexp_replace(replace(lower({{ expr }}), '&', 'and'), '[^a-z0-9]+', ' ', 'g'))
{%- endmacro %}

{# A stable key: md5 over the values joined with '|', nulls as a marker, so a key never
   renumbers on reload (unlike a rank). #}
{% macro surrogate_key(exprs) -%}
    md5(
    {%- for e in exprs %}
        coalesce(cast({{ e }} as {{ dbt.type_string() }}), '~null~'){% if not loop.last %} || '|' ||{% endif %}
    {%- endfor %}
    )
{%- endmacro %}

{# Dedup key value (processing_rules.md §5): the cleaned value, except that an invalid value keeps
   its raw text so two different invalid values never merge. #}
{% macro key_value(field) -%}
    case when {{ field }}_cleaned = 'Invalid and not mapped' then {{ field }}_raw else {{ field }}_cleaned end
{%- endmacro %}

{# The joined-mode deduplication key of an event (processing_rules.md §5), hashed. One macro so
   fct_events and fct_service_costs always agree on event_key. Expects the columns of
   int_cld__events_prepared. #}
{% macro event_key() -%}
    {{ surrogate_key([
        'la_code', 'person_id', 'event_type_cleaned', 'event_start_date', key_value('client_type'),
        "case when event_type_cleaned <> 'Service' then der_event_end_date end",
        "case when event_type_cleaned = 'Request' then " ~ key_value('request_route_of_access') ~ " end",
        "case when event_type_cleaned = 'Assessment' then " ~ key_value('assessment_type') ~ " end",
        "case when event_type_cleaned = 'Service' then " ~ key_value('service_type') ~ " end",
        "case when event_type_cleaned = 'Service' then " ~ key_value('service_component') ~ " end",
    ]) }}
{%- endmacro %}

{# The waits of int_waiting_times__waits in long form (metrics.md §4 step 7): one row per request
   and part (first_response, first_service) that has started, dated and age-banded by the event
   that ended the wait. The published aggregate and the metric cells both group these rows. #}
{% macro waits_by_part(waits) -%}
    select
        la_code,
        'first_response' as wait_part,
        response_start_date as wait_end_date,
        response_age_band as age_band,
        response_wait_days as wait_days
    from {{ waits }}
    where response_start_date is not null
    union all
    select
        la_code,
        'first_service' as wait_part,
        service_start_date as wait_end_date,
        service_age_band as age_band,
        service_wait_days as wait_days
    from {{ waits }}
    where service_start_date is not null
{%- endmacro %}

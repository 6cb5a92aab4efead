{# One value per person for an attribute (processing_rules.md §6): known values beat unknown or
   invalid ones, then the latest load, then the extra ordering given. If several different values
   still tie at the top, the attribute is `unknown_label`. Produces (keys..., attribute_value); `keys`
   defaults to one value per person, and per-period models add their period columns. #}
{% macro pick_attribute(relation, value_expr, is_known_expr, extra_order, unknown_label, keys=['la_code', 'person_id']) -%}
    {%- set key_list = keys | join(', ') %}
    select
        {{ key_list }},
        case when count(distinct attribute_value) > 1 then {{ unknown_label }} else min(attribute_value) end
            as attribute_value
    from (
        select
            {{ key_list }},
            attribute_value,
            dense_rank() over (
                partition by {{ key_list }}
                order by attribute_is_known desc, received_at desc, load_id desc, {{ extra_order }}
            ) as attribute_rank
        from (
            select
                {{ key_list }},
                received_at,
                load_id,
                event_start_date,
                der_event_end_date,
                {{ value_expr }} as attribute_value,
                case when {{ is_known_expr }} then 1 else 0 end as attribute_is_known
            from {{ relation }}
            where {{ value_expr }} is not null
        ) as candidates
    ) as ranked
    where attribute_rank = 1
    group by {{ key_list }}
{%- endmacro %}

{# A cleaned code value counts as known unless it is Unknown, "No data" or invalid. #}
{% macro is_known_code(field) -%}
    ({{ field }}_cleaned is not null
        and {{ field }}_cleaned <> 'Invalid and not mapped'
        and {{ field }}_grouped not in ('Unknown', 'Invalid', 'No data')
        and {{ field }}_cleaned not like 'Unknown%')
{%- endmacro %}

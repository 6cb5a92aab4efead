{#- The long-term lines that start a person's entry into long-term support (metrics.md
    NEW_LTS_PEOPLE_PER_WEEK): lines of service users aged 18+ or of unknown age at the start, with
    no long-term line of theirs (starting earlier) active in the 365 days before. `lines` names a
    relation or CTE shaped like int_lts__lines. Shared by int_lts__new_entrants (reporting periods)
    and three_conversations_cost_avoidance (windows around a practice site's go-live), so both count
    new entrants the same way. -#}
{% macro new_lts_entry_lines(lines) -%}
    select l.*
    from {{ lines }} as l
    where
        -- 18+ or unknown age at the start of the line
        (l.age_at_event_start is null or l.age_at_event_start >= 18)
        -- an earlier line (starting before this one) still active within the 365 days before its
        -- start; the join is bounded by the look-back so it stays cheap on large councils
        and not exists (
            select 1
            from {{ lines }} as e
            where
                e.la_code = l.la_code
                and e.person_key = l.person_key
                and e.line_start_date < l.line_start_date
                and (e.line_end_date is null or e.line_end_date >= {{ add_days('l.line_start_date', -365) }})
        )
{%- endmacro %}

-- Service costs per service line per quarter (processing_rules.md §7). Each quarter's lines come
-- from the file selected for that quarter, deduplicated with the single key (cost fields kept),
-- so uplifts apply from when they were reported. Arithmetic is exact: money in integer pence,
-- units per week as a fraction, one rounding (half away from zero) to the penny at the end.

with

services as (
    select * from {{ ref('int_cld__events_prepared') }}
    where event_type_cleaned = 'Service' and exclusion_reason is null
),

frequencies as (
    select * from {{ ref('cost_frequency_units') }}
),

keyed as (
    select
        *,
        {{ event_key() }} as event_key,
        {{ surrogate_key([
            'la_code', 'person_id', 'event_start_date', key_value('client_type'),
            key_value('service_type'), key_value('service_component'), key_value('delivery_mechanism'),
            'unit_cost', key_value('cost_frequency_unit_type'), 'planned_units_per_week',
        ]) }} as service_line_key
    from services
),

in_quarter as (
    select
        *,
        -- An open service's effective end is the end of the period (never written back).
        case
            when der_event_end_date is null or der_event_end_date > quarter_end then quarter_end
            else der_event_end_date
        end as effective_end,
        case when event_start_date > quarter_start then event_start_date else quarter_start end as effective_start
    from keyed
    where der_event_end_date is null or der_event_end_date >= quarter_start
),

ranked as (
    select
        *,
        row_number() over (
            partition by service_line_key, quarter_start
            order by
                case when der_event_end_date is null then 0 else 1 end,
                der_event_end_date desc,
                coalesce(event_outcome_rank, 99),
                received_at desc,
                load_id desc,
                row_number desc
        ) as keep_rank
    from in_quarter
),

priced as (
    select
        r.*,
        f.cost_frequency as matched_frequency,
        f.units_per_week_numerator,
        f.units_per_week_denominator,
        f.uses_planned_units,
        f.is_one_off,
        f.is_no_charge,
        cast(round(abs(r.unit_cost) * 100) as bigint) as unit_cost_pence,
        cast(round(abs(r.planned_units_per_week) * 100) as bigint) as planned_units_x100,
        {{ days_between('r.effective_start', 'r.effective_end') }} + 1 as days_in_quarter
    from ranked as r
    left join frequencies as f on r.cost_frequency_unit_type_cleaned = f.cost_frequency
    where r.keep_rank = 1
),

fractions as (
    -- units per week as numerator / denominator, both integers
    select
        *,
        case
            when uses_planned_units then planned_units_x100
            else units_per_week_numerator
        end as upw_num,
        case
            when uses_planned_units then 100
            else units_per_week_denominator
        end as upw_den,
        case
            when is_no_charge then 'no_charge'
            when unit_cost is null or unit_cost = 0 then 'excluded_no_unit_cost'
            when matched_frequency is null then 'excluded_no_frequency'
            when is_one_off then 'one_off'
            when uses_planned_units and (planned_units_per_week is null or planned_units_per_week = 0)
                then 'excluded_no_units'
            when unit_cost < 0 or (uses_planned_units and planned_units_per_week < 0) then 'sign_corrected'
            else 'costed'
        end as cost_flag
    from priced
)

select
    {{ surrogate_key(['service_line_key', 'quarter_start']) }} as service_cost_key,
    service_line_key,
    event_key,
    person_id,
    la_code,
    quarter_start,
    quarter_end,
    event_start_date,
    der_event_end_date as event_end_date,
    effective_start,
    effective_end,
    service_type_cleaned as service_type,
    service_component_cleaned as service_component,
    delivery_mechanism_cleaned as delivery_mechanism,
    unit_cost,
    cost_frequency_unit_type_cleaned as cost_frequency,
    planned_units_per_week,
    cost_flag,
    days_in_quarter,
    case
        when cost_flag in ('costed', 'sign_corrected')
            then cast(cast(upw_num as {{ dbt.type_numeric() }}) / upw_den as decimal(12, 4))
        else cast(null as decimal(12, 4))  -- typed, so PostgreSQL keeps numeric(12,4) on the column
    end as units_per_week,
    case
        when cost_flag in ('costed', 'sign_corrected')
            then cast({{ div_round_half_up('unit_cost_pence * upw_num', 'upw_den') }} * 0.01 as decimal(18, 2))
        else cast(null as decimal(18, 2))
    end as weekly_cost,
    cast({{ div_round_half_up('days_in_quarter * 10000', '7') }} * 0.0001 as decimal(8, 4)) as weeks_in_quarter,
    case
        when cost_flag in ('costed', 'sign_corrected')
            then cast(
                {{ div_round_half_up('unit_cost_pence * upw_num * days_in_quarter', 'upw_den * 7') }} * 0.01
                as decimal(18, 2)
            )
        when cost_flag = 'one_off' and event_start_date between quarter_start and quarter_end
            then cast(unit_cost_pence * 0.01 as decimal(18, 2))
        when cost_flag = 'one_off' then cast(0 as decimal(18, 2))
        else cast(null as decimal(18, 2))
    end as quarter_cost,
    load_id,
    source_file,
    row_number
from fractions

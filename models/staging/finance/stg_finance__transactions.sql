{%- set kept_columns = 'load_id, source_file, row_number, received_at, la_code_ons, nhs_number_hash, la_person_id_hash, transaction_id, posting_date, financial_year, period_number, cost_centre, cost_centre_name, account_code, account_name, service_ref, service_period_start, service_period_end, provider_id, provider_name, provider_cqc_location_id, transaction_type, underlying_type, reverses_transaction_id, quantity, unit_type, unit_rate, amount, vat_amount, source_system, dq_flags' %}
-- The kept finance ledger rows (finance_extract.md §1, §5): one row per LA × transaction id, taken
-- from the loads the load mode selects. Duplicates within a file never reach raw (quarantined at
-- ingest, FIN050/FIN051); which load wins across files is decided here, never by quarantine.
--   cumulative (default): each file is the year to date, so for every LA × financial year the
--     newest load holding rows of that year replaces the earlier ones (ids it no longer has are
--     listed by int_finance__dropped_ids, FIN053).
--   incremental (var finance_incremental_las): every load adds periods; an id sent again in a
--     newer load is revised by it (FIN052).

with

finance_loads as (
    select
        load_id,
        received_at,
        started_at
    from {{ source('audit', 'loads') }}
    where status = 'loaded' and dataset = 'finance'
    {%- if var('as_of_date') %}
        and cast(received_at as date) <= cast('{{ var("as_of_date") }}' as date)
    {%- endif %}
),

loaded as (
    select
        t.*,
        l.started_at as load_started_at,
        t.la_code_ons in (
            {%- for la in var('finance_incremental_las') %}'{{ la }}', {% endfor %}''
        ) as is_incremental
    from {{ source('raw', 'finance_transactions') }} as t
    inner join finance_loads as l on t.load_id = l.load_id
),

year_load as (
    select
        la_code_ons,
        financial_year,
        load_id,
        row_number() over (
            partition by la_code_ons, financial_year
            order by max(received_at) desc, max(load_started_at) desc, load_id desc
        ) as load_rank
    from loaded
    where not is_incremental
    group by la_code_ons, financial_year, load_id
),

cumulative as (
    select d.*
    from loaded as d
    inner join year_load as y
        on d.la_code_ons = y.la_code_ons and d.financial_year = y.financial_year and d.load_id = y.load_id
    where y.load_rank = 1
),

incremental as (
    select *
    from (
        select
            d.*,
            row_number() over (
                partition by d.la_code_ons, d.transaction_id
                order by d.received_at desc, d.load_started_at desc, d.load_id desc
            ) as id_rank,
            count(*) over (partition by d.la_code_ons, d.transaction_id) as id_loads
        from loaded as d
        where d.is_incremental
    ) as ranked
    where id_rank = 1
),

selected as (
    select
        {{ kept_columns }},
        false as is_revised_across_loads
    from cumulative
    union all
    select
        {{ kept_columns }},
        id_loads > 1 as is_revised_across_loads
    from incremental
),

linked_local_ids as (
    {{ linked_local_ids('selected') }}
),

-- Person link (finance_extract.md: identity as good_lives_extract.md §6): the local id through the
-- case data's local-id map first, so a ledger row sent without the NHS number still reaches the
-- NHS-number identity its local id has in CLD; then the row's NHS number; then the local id.
local_id_map as (
    {{ local_id_map() }}
)

select
    {{ surrogate_key(['s.la_code_ons', 's.transaction_id']) }} as transaction_key,
    s.load_id,
    s.source_file,
    s.row_number,
    s.received_at,
    s.la_code_ons as la_code,
    s.transaction_id,
    s.posting_date,
    s.financial_year,
    s.period_number,
    s.cost_centre,
    s.cost_centre_name,
    s.account_code,
    s.account_name,
    {{ person_key_via_local_id_map('s', 'm', 'k') }} as person_key,
    s.nhs_number_hash is not null or s.la_person_id_hash is not null as has_person_identifier,
    s.service_ref,
    s.service_period_start,
    s.service_period_end,
    s.provider_id,
    s.provider_name,
    s.provider_cqc_location_id,
    s.transaction_type,
    s.underlying_type,
    s.reverses_transaction_id,
    s.quantity,
    s.unit_type,
    s.unit_rate,
    s.amount,
    s.vat_amount,
    s.source_system,
    s.dq_flags,
    s.is_revised_across_loads
from selected as s
left join linked_local_ids as k
    on s.la_code_ons = k.la_code and s.la_person_id_hash = k.la_person_id_hash
left join local_id_map as m
    on s.la_code_ons = m.la_code and s.la_person_id_hash = m.la_person_id_hash

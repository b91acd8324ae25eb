{# One hash per client of everything its per-period rows are computed from (SPEC §5): its counted
   commissions, its described attributes, its R&D profiles and its patents. An incremental run
   recomputes a client's per-period rows only when this hash changed (SPEC §8: a new quarter
   re-runs only what it touches); a client's rows depend on nothing of another client's.
   concat() (DuckDB and PostgreSQL alike) reads a null as empty, where || would null the row. #}
with

commissions as (
    select * from {{ ref('int_commissions_identified') }} where is_counted
),

clients as (
    select * from {{ ref('int_clients_described') }}
),

profiles as (
    select * from {{ ref('int_profiles_identified') }}
),

patents as (
    select * from {{ ref('int_patents_identified') }}
),

input_rows as (
    select
        client_id,
        concat('c~', commission_no, '~', commission_date, '~', recognition, '~', cooperation, '~', fee, '~', purpose)
            as input_row
    from commissions
    union all
    select
        client_id,
        concat('a~', nature, '~', email, '~', phone, '~', address, '~', enterprise_type, '~', industry) as input_row
    from clients
    union all
    select
        client_id,
        concat('p~', year, '~', talents, '~', n_honors, '~', enterprise_type, '~', industry) as input_row
    from profiles
    union all
    select
        client_id,
        concat('t~', patent_no, '~', patent_type, '~', legal_status, '~', filed_date) as input_row
    from patents
),

final as (
    select
        client_id,
        {{ row_set_hash('input_row') }} as inputs_hash
    from input_rows
    group by client_id
)

select * from final

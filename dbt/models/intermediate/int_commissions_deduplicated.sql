{# SPEC §2.1 re-exports: one row per commission_no, the latest version — the later-loaded file
   wins, then the later row within a file. Unusable rows never compete. Incremental by load: a run
   ranks again only the commission_nos its new loads hold (macros/new_loads.sql). #}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook=["{{ drop_keys_of_new_loads('commission_no', ref('stg_commissions')) }}",
              "{{ refresh_statistics() if is_incremental() }}"],
) }}
with

commissions as (
    select * from {{ ref('stg_commissions') }}
),

usable as (
    select {{ star(ref('stg_commissions'), 'commissions', except=['_reject_reason']) }}
    from commissions
    where _reject_reason is null
        {%- if is_incremental() %} and {{ not_built('commission_no', 'commission_no') }}{% endif %}
),

ranked as (
    select
        *,
        row_number() over (
            partition by commission_no
            order by _load_id desc, _row_number desc
        ) as version_rank,
        count(*) over (partition by commission_no) as n_versions
    from usable
),

final as (
    select {{ columns_of(ref('stg_commissions'), 'ranked', except=['_reject_reason']) }}, ranked.n_versions
    from ranked where version_rank = 1
)

select * from final

{# Usable, deduplicated commissions with their client, the client that referred them, their
   period keys, and whether they count (SPEC §5: status other than cancelled). Incremental by load:
   a row follows its commission's attributed row, and an organisation's client changes only with the
   alias seed, which rebuilds everything (macros/new_loads.sql). #}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook=["{{ drop_keys_of_new_loads('commission_no', ref('stg_commissions'), organisation_from_new_username()) }}",
              "{{ refresh_statistics() if is_incremental() }}", "{{ without_nested_loops() }}"],
) }}
with

commissions as (
    select * from {{ ref('int_commissions_attributed') }}
    {%- if is_incremental() %}
    where {{ not_built('commission_no', 'commission_no') }}
    {%- endif %}
),

organisations as (
    select * from {{ ref('int_organisations_resolved') }}
),

final as (
    select
        {{ star(ref('int_commissions_attributed'), 'commissions', except=['_reject_reason']) }},
        organisations.client_id,
        organisations.client_match_name,
        referrers.client_id as referred_by_client_id,
        commissions.status <> 'cancelled' as is_counted,
        {{ quarter_key('commissions.commission_date') }} as quarter_key,
        {{ year_key('commissions.commission_date') }} as year_key,
        {{ five_year_key('commissions.commission_date') }} as five_year_key
    from commissions
    inner join organisations on commissions.org_match_name = organisations.match_name
    left join organisations as referrers on commissions.referred_by_match_name = referrers.match_name
    where commissions._reject_reason is null
)

select * from final

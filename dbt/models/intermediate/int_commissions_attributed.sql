{# SPEC §3: a commission with an empty 委托单位 takes the organisation of the same username's
   latest commission that names one; when there is none, `_reject_reason` sends it to quarantine.
   Every usable version is looked at: a re-export without the username column must not hide it.
   Incremental by load (macros/new_loads.sql): a run attributes again the commissions of its new
   loads and those that took their organisation from (or found none for) a username the new loads
   bring. #}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook=["{{ drop_keys_of_new_loads('commission_no', ref('stg_commissions'), organisation_from_new_username()) }}",
              "{{ refresh_statistics() if is_incremental() }}", "{{ without_nested_loops() }}"],
) }}
with

commissions as (
    select * from {{ ref('int_commissions_deduplicated') }}
    {%- if is_incremental() %}
    where {{ not_built('commission_no', 'commission_no') }}
    {%- endif %}
),

every_version as (
    select * from {{ ref('stg_commissions') }}
    where _reject_reason is null
        {%- if is_incremental() %}
        and username in (select username from commissions where org_match_name is null)
        {%- endif %}
),

named_by_username as (
    select
        username,
        org_name,
        org_match_name,
        row_number() over (
            partition by username
            order by commission_date desc, _load_id desc, _row_number desc
        ) as recency_rank
    from every_version
    where org_match_name is not null and username is not null
),

latest_org_of_username as (
    select username, org_name, org_match_name from named_by_username where recency_rank = 1
),

attributed as (
    select
        {{ star(ref('int_commissions_deduplicated'), 'commissions', replace={
            'org_name': 'coalesce(commissions.org_name, latest_org_of_username.org_name)',
            'org_match_name': 'coalesce(commissions.org_match_name, latest_org_of_username.org_match_name)',
        }) }},
        commissions.org_match_name is null
            and latest_org_of_username.org_match_name is not null as is_org_from_username
    from commissions
    left join latest_org_of_username
        on commissions.org_match_name is null
        and commissions.username = latest_org_of_username.username
),

final as (
    select
        *,
        case when org_match_name is null then
            'org_name is empty and username '
            || coalesce('''' || username || '''', '(empty)')
            || ' names no organisation in any other commission'
        end as _reject_reason
    from attributed
)

select * from final

{# SPEC §3: each client's attributes from its commissions — the most frequent non-empty value,
   the latest on ties — plus its first and last commission and latest searcher. The profile's
   values, where the commissions have none, are added by dim_client and per period. Incremental by
   client: a run describes again only the clients whose commission rows changed
   (macros/changed_clients.sql). #}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook=["{{ drop_changed_clients(client_rows_hashes(ref('int_commissions_identified')), 'inputs_hash', '_rows_hash', per_period=false) }}",
              "{{ refresh_statistics() if is_incremental() }}", "{{ without_nested_loops() }}"],
) }}
{%- set attributes = ['org_name', 'nature', 'enterprise_type', 'park', 'industry', 'contact_name',
                      'username', 'email', 'phone', 'address', 'postcode'] -%}
with

commissions as (
    select * from {{ ref('int_commissions_identified') }}
    {%- if is_incremental() %}
    where {{ not_built('client_id') }}
    {%- endif %}
),

{% for attribute in attributes %}
{{ attribute }}_ranked as (
    select
        client_id,
        {{ attribute }} as value,
        row_number() over (
            partition by client_id
            order by count(*) desc, max(commission_date) desc, max(_load_id) desc, {{ attribute }}
        ) as frequency_rank
    from commissions
    where {{ attribute }} is not null
    group by client_id, {{ attribute }}
),
{% endfor %}

latest as (
    select
        client_id,
        searcher as latest_searcher,
        row_number() over (partition by client_id order by commission_date desc, _load_id desc) as recency_rank
    from commissions
    where searcher is not null
),

spans as (
    select
        client_id,
        min(client_match_name) as client_match_name,
        min(commission_date) as first_commission_date,
        max(commission_date) as last_commission_date,
        count(*) filter (where is_counted) as n_commissions,
        {{ row_set_hash('commissions') }} as _rows_hash
    from commissions
    group by client_id
),

final as (
    select
        spans.client_id,
        spans.client_match_name,
        org_name_ranked.value as display_name,
        {%- for attribute in attributes if attribute != 'org_name' %}
        {{ attribute }}_ranked.value as {{ attribute }},
        {%- endfor %}
        latest.latest_searcher,
        spans.first_commission_date,
        spans.last_commission_date,
        spans.n_commissions,
        spans._rows_hash
    from spans
    {%- for attribute in attributes %}
    left join {{ attribute }}_ranked
        on spans.client_id = {{ attribute }}_ranked.client_id and {{ attribute }}_ranked.frequency_rank = 1
    {%- endfor %}
    left join latest on spans.client_id = latest.client_id and latest.recency_rank = 1
)

select * from final

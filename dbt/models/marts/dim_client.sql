{# SPEC §3 and §6: one row per client. Attributes are the most frequent non-empty value over its
   commissions (latest on ties), else the latest R&D profile's. Contacts here are PII: the bi
   views leave them out. #}
with

clients as (
    select * from {{ ref('int_clients_described') }}
),

profiles as (
    select * from {{ ref('int_profiles_identified') }}
),

latest_profile as (
    select
        *,
        row_number() over (partition by client_id order by year desc) as recency_rank
    from profiles
),

final as (
    select
        clients.client_id,
        clients.client_match_name,
        clients.display_name,
        clients.nature,
        coalesce(clients.enterprise_type, latest_profile.enterprise_type) as enterprise_type,
        coalesce(clients.park, latest_profile.park) as park,
        coalesce(clients.industry, latest_profile.industry) as industry,
        coalesce(clients.contact_name, latest_profile.contact_name) as contact_name,
        clients.username,
        clients.email,
        clients.phone,
        clients.address,
        clients.postcode,
        clients.latest_searcher,
        clients.first_commission_date,
        clients.last_commission_date,
        clients.n_commissions,
        latest_profile.year as latest_profile_year,
        latest_profile.year is not null as has_rd_profile
    from clients
    left join latest_profile
        on clients.client_id = latest_profile.client_id and latest_profile.recency_rank = 1
)

select * from final

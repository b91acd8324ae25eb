{# SPEC §3 and §6: one row per client. Attributes are the most frequent non-empty value over its
   commissions (latest on ties), else the latest R&D profile's. Contacts here are PII: the bi
   views leave them out. Its R&D directions (SPEC §5): its top keywords, the first with how many
   commissions name it and since when. #}
with

clients as (
    select * from {{ ref('int_clients_described') }}
),

profiles as (
    select * from {{ ref('int_profiles_identified') }}
),

keywords as (
    select * from {{ ref('int_client_keywords_ranked') }}
),

directions as (
    select
        client_id,
        {{ dbt.listagg('keyword', "'、'", 'order by keyword_rank') }} as research_directions
    from keywords
    where keyword_rank <= {{ var('direction_top_keywords') }}
    group by client_id
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
        latest_profile.year is not null as has_rd_profile,
        directions.research_directions,
        top_keyword.keyword as top_direction,
        top_keyword.n_commissions as top_direction_n_commissions,
        top_keyword.first_year as top_direction_since
    from clients
    left join latest_profile
        on clients.client_id = latest_profile.client_id and latest_profile.recency_rank = 1
    left join directions on clients.client_id = directions.client_id
    left join keywords as top_keyword on clients.client_id = top_keyword.client_id and top_keyword.keyword_rank = 1
)

select * from final

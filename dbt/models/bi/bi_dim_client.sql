{# dim_client for BI tools. The select list is the PII allow-list (SPEC §7): add a column only if it
   is no contact name, username, email, phone, address, postcode, respondent or free text. #}
with

dim_client as (
    select * from {{ ref('dim_client') }}
),

final as (
    select
        client_id,
        display_name,
        nature,
        enterprise_type,
        park,
        industry,
        latest_searcher,
        first_commission_date,
        last_commission_date,
        n_commissions,
        latest_profile_year,
        has_rd_profile,
        research_directions,
        top_direction,
        top_direction_n_commissions,
        top_direction_since
    from dim_client
)

select * from final

{# mart_value_clients for BI tools. The select list is the PII allow-list (SPEC §7): add a column only if it
   is no contact name, username, email, phone, address, postcode, respondent or free text. #}
with

mart_value_clients as (
    select * from {{ ref('mart_value_clients') }}
),

final as (
    select
        grain,
        period_key,
        client_id,
        commission_fees,
        service_fees,
        monetary_value,
        n_referrals,
        n_commissions,
        n_patents_filed,
        has_latent_demand,
        value_rank,
        is_top_value,
        is_value_client
    from mart_value_clients
)

select * from final

{# mart_client_outlook for BI tools. The select list is the PII allow-list (SPEC §7): add a column only if
   it is no contact name, username, email, phone, address, postcode, respondent or free text. #}
with

mart_client_outlook as (
    select * from {{ ref('mart_client_outlook') }}
),

final as (
    select
        year,
        client_id,
        tier,
        p_active_next_year,
        expected_commissions,
        is_at_risk,
        n_commissions,
        days_since_last_commission,
        n_commissions_next_year,
        fitted_through_year
    from mart_client_outlook
)

select * from final

{# fct_client_period for BI tools. The select list is the PII allow-list (SPEC §7): add a column only if it
   is no contact name, username, email, phone, address, postcode, respondent or free text. #}
with

fct_client_period as (
    select * from {{ ref('fct_client_period') }}
),

final as (
    select
        grain,
        period_key,
        client_id,
        nature,
        n_commissions,
        n_active_sub_periods,
        mean_recognition,
        mean_cooperation,
        commission_fees,
        loyalty_points,
        loyalty_level,
        profile_year,
        talents,
        n_honors,
        n_valid_inventions,
        n_valid_utility_models,
        n_patents_filed,
        rd_points,
        rd_level,
        is_complete,
        missing_attributes,
        tier,
        untiered_reason,
        previous_tier,
        transition,
        start_date,
        end_date
    from fct_client_period
)

select * from final

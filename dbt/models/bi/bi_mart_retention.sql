{# mart_retention for BI tools. The select list is the PII allow-list (SPEC §7): add a column only if it
   is no contact name, username, email, phone, address, postcode, respondent or free text. #}
with

mart_retention as (
    select * from {{ ref('mart_retention') }}
),

final as (
    select
        grain,
        period_key,
        previous_tier,
        previous_period_key,
        n_active_before,
        n_retained,
        n_lost,
        churn_rate,
        n_won_back,
        n_new,
        n_active,
        start_date
    from mart_retention
)

select * from final

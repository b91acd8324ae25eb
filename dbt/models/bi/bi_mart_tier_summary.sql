{# mart_tier_summary for BI tools. The select list is the PII allow-list (SPEC §7): add a column only if it
   is no contact name, username, email, phone, address, postcode, respondent or free text. #}
with

mart_tier_summary as (
    select * from {{ ref('mart_tier_summary') }}
),

final as (
    select
        grain,
        period_key,
        tier,
        n_clients,
        start_date
    from mart_tier_summary
)

select * from final

{# mart_service_recommendations for BI tools. The select list is the PII allow-list (SPEC §7): add a column only if it
   is no contact name, username, email, phone, address, postcode, respondent or free text. #}
with

mart_service_recommendations as (
    select * from {{ ref('mart_service_recommendations') }}
),

final as (
    select
        client_id,
        product,
        reason,
        rules,
        display_name,
        industry,
        direction,
        as_of_date
    from mart_service_recommendations
)

select * from final

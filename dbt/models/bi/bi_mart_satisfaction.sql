{# mart_satisfaction for BI tools. The select list is the PII allow-list (SPEC §7): add a column only if it
   is no contact name, username, email, phone, address, postcode, respondent or free text. #}
with

mart_satisfaction as (
    select * from {{ ref('mart_satisfaction') }}
),

final as (
    select
        grain,
        period_key,
        csat,
        experience,
        quality,
        attitude,
        nps,
        n_responses,
        n_feedback,
        start_date
    from mart_satisfaction
)

select * from final

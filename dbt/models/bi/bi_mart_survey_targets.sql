{# mart_survey_targets for BI tools. The select list is the PII allow-list (SPEC §7): add a column only if it
   is no contact name, username, email, phone, address, postcode, respondent or free text. #}
with

mart_survey_targets as (
    select * from {{ ref('mart_survey_targets') }}
),

final as (
    select
        period_key,
        client_id,
        reason,
        display_name,
        searcher
    from mart_survey_targets
)

select * from final

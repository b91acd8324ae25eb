{# fct_commission for BI tools. The select list is the PII allow-list (SPEC §7): add a column only if it
   is no contact name, username, email, phone, address, postcode, respondent or free text. #}
with

fct_commission as (
    select * from {{ ref('fct_commission') }}
),

final as (
    select
        commission_no,
        client_id,
        referred_by_client_id,
        commission_date,
        quarter_key,
        year_key,
        five_year_key,
        title_zh,
        title_en,
        scope,
        purpose,
        fee,
        industry,
        subject,
        nature,
        searcher,
        status,
        is_counted,
        completed_date,
        recognition,
        cooperation
    from fct_commission
)

select * from final

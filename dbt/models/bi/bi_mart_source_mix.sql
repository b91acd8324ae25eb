{# mart_source_mix for BI tools. The select list is the PII allow-list (SPEC §7): add a column only if it
   is no contact name, username, email, phone, address, postcode, respondent or free text. #}
with

mart_source_mix as (
    select * from {{ ref('mart_source_mix') }}
),

final as (
    select
        grain,
        period_key,
        nature,
        n_clients,
        client_share,
        n_commissions,
        commission_share,
        start_date
    from mart_source_mix
)

select * from final

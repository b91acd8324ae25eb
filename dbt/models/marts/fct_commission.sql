{# SPEC §6: one row per commission_no, its latest version (SPEC §2.1), with its client. A view:
   its rows are int_commissions_identified's, which is incremental by load; a table would copy a
   million rows on every run. #}
{{ config(materialized='view') }}
with

commissions as (
    select * from {{ ref('int_commissions_identified') }}
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
        cooperation,
        is_org_from_username,
        n_versions,
        _file,
        _row_number,
        _load_id
    from commissions
)

select * from final

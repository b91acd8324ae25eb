{# mart_completeness_gaps for BI tools and the service staff's report. The select list is the PII
   allow-list (SPEC §7): the client's name and its searcher, never its contacts. #}
with

mart_completeness_gaps as (
    select * from {{ ref('mart_completeness_gaps') }}
),

final as (
    select
        grain,
        period_key,
        client_id,
        display_name,
        latest_searcher,
        n_commissions,
        missing_attributes,
        lacks_contact,
        lacks_address,
        lacks_enterprise_type,
        lacks_industry,
        lacks_rd_profile
    from mart_completeness_gaps
)

select * from final

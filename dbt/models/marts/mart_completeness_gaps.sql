{# The paper's filter seen from the other side (SPEC §5 completeness, issue: completeness report):
   per period, every enterprise client with counted commissions that is not complete, with each
   attribute it lacks, its display name and latest searcher, so that a person can fill the gaps. #}
with

client_periods as (
    select * from {{ ref('fct_client_period') }}
),

clients as (
    select * from {{ ref('dim_client') }}
),

final as (
    select
        client_periods.grain,
        client_periods.period_key,
        client_periods.client_id,
        clients.display_name,
        clients.latest_searcher,
        client_periods.n_commissions,
        client_periods.missing_attributes,
        client_periods.missing_attributes like '%email/phone%' as lacks_contact,
        client_periods.missing_attributes like '%address%' as lacks_address,
        client_periods.missing_attributes like '%enterprise_type%' as lacks_enterprise_type,
        client_periods.missing_attributes like '%industry%' as lacks_industry,
        client_periods.missing_attributes like '%rd_profile%' as lacks_rd_profile
    from client_periods
    inner join clients on client_periods.client_id = clients.client_id
    where client_periods.nature = 'enterprise' and not client_periods.is_complete
)

select * from final

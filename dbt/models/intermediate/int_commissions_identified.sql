{# Usable, deduplicated commissions with their client, the client that referred them, their
   period keys, and whether they count (SPEC §5: status other than cancelled). #}
with

commissions as (
    select * from {{ ref('int_commissions_attributed') }}
),

organisations as (
    select * from {{ ref('int_organisations_resolved') }}
),

final as (
    select
        {{ star(ref('int_commissions_attributed'), 'commissions', except=['_reject_reason']) }},
        organisations.client_id,
        organisations.client_match_name,
        referrers.client_id as referred_by_client_id,
        commissions.status <> 'cancelled' as is_counted,
        {{ quarter_key('commissions.commission_date') }} as quarter_key,
        {{ year_key('commissions.commission_date') }} as year_key,
        {{ five_year_key('commissions.commission_date') }} as five_year_key
    from commissions
    inner join organisations on commissions.org_match_name = organisations.match_name
    left join organisations as referrers on commissions.referred_by_match_name = referrers.match_name
    where commissions._reject_reason is null
)

select * from final

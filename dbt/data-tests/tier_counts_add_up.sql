{{ config(meta={"dagster": {"ref": {"name": "mart_tier_summary"}}}) }}
{# Per period, the tiers count exactly the complete enterprise clients with counted commissions. #}
with

summary as (
    select grain, period_key, sum(n_clients) as n_tiered from {{ ref('mart_tier_summary') }} group by grain, period_key
),

eligible as (
    select grain, period_key, count(*) as n_eligible
    from {{ ref('fct_client_period') }}
    where nature = 'enterprise' and is_complete and n_commissions >= 1
    group by grain, period_key
)

select *
from summary
full join eligible using (grain, period_key)
where coalesce(n_tiered, 0) <> coalesce(n_eligible, 0)

{# SPEC §6: clients per tier for every period that has commissions (zero where a tier is empty). #}
with

client_periods as (
    select * from {{ ref('fct_client_period') }}
),

tiers as (
    {{ values_of('tier', tiers()) }}
),

periods as (
    select distinct grain, period_key, start_date from client_periods
),

counts as (
    select grain, period_key, tier, count(*) as n_clients
    from client_periods
    where tier is not null
    group by grain, period_key, tier
),

final as (
    select
        periods.grain,
        periods.period_key,
        tiers.tier,
        coalesce(counts.n_clients, 0) as n_clients,
        periods.start_date
    from periods
    cross join tiers
    left join counts
        on periods.grain = counts.grain and periods.period_key = counts.period_key and tiers.tier = counts.tier
)

select * from final

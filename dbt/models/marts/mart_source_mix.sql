{# SPEC §6 and paper §3: where clients come from — clients and counted commissions per nature and
   period, with their shares of the period's totals. #}
with

client_periods as (
    select * from {{ ref('fct_client_period') }}
),

natures as (
    {{ values_of('nature', natures()) }}
),

periods as (
    select distinct grain, period_key, start_date from client_periods
),

counts as (
    select grain, period_key, nature, count(*) as n_clients, cast(sum(n_commissions) as bigint) as n_commissions
    from client_periods
    group by grain, period_key, nature
),

filled as (
    select
        periods.grain,
        periods.period_key,
        natures.nature,
        coalesce(counts.n_clients, 0) as n_clients,
        coalesce(counts.n_commissions, 0) as n_commissions,
        periods.start_date
    from periods
    cross join natures
    left join counts
        on periods.grain = counts.grain and periods.period_key = counts.period_key
        and natures.nature = counts.nature
),

final as (
    select
        grain,
        period_key,
        nature,
        n_clients,
        1.0 * n_clients / sum(n_clients) over (partition by grain, period_key) as client_share,
        n_commissions,
        1.0 * n_commissions / sum(n_commissions) over (partition by grain, period_key) as commission_share,
        start_date
    from filled
)

select * from final

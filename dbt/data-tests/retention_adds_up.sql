{{ config(meta={"dagster": {"ref": {"name": "mart_retention"}}}) }}
{# SPEC §5 retention: the previously active are retained or lost; the active are retained, won back
   or new; each 'all' row is the sum of its tier rows. A row returned is a broken period. #}
with

retention as (
    select * from {{ ref('mart_retention') }}
),

tier_sums as (
    select
        grain,
        period_key,
        sum(n_active_before) as n_active_before,
        sum(n_lost) as n_lost,
        sum(n_active) as n_active
    from retention
    where previous_tier <> 'all'
    group by grain, period_key
),

final as (
    select retention.grain, retention.period_key, retention.previous_tier
    from retention
    left join tier_sums
        on retention.grain = tier_sums.grain and retention.period_key = tier_sums.period_key
    where retention.n_retained + retention.n_lost <> retention.n_active_before
        or (retention.previous_tier = 'all'
            and (retention.n_retained + retention.n_won_back + retention.n_new <> retention.n_active
                or retention.n_active_before <> tier_sums.n_active_before
                or retention.n_lost <> tier_sums.n_lost
                or retention.n_active <> tier_sums.n_active))
)

select * from final

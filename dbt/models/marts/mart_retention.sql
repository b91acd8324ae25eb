{# SPEC §5 retention and churn (paper §2.2(2), 流失率), per grain and period, by the tier each client
   had in the previous period of the same grain ('none': no tier there — untiered, or not active
   then) and for all clients ('all'). Active = a counted commission in the period. Every period from
   the data's first to its last has its rows, zero counts included; churn_rate is null where no
   client was active before. #}
with

periods as (
    select * from {{ ref('int_periods_spined') }}
),

commissions as (
    select * from {{ ref('int_commissions_identified') }} where is_counted
),

client_periods as (
    select * from {{ ref('fct_client_period') }}
),

buckets as (
    {{ values_of('previous_tier', tiers() + ['none', 'all']) }}
),

data_periods as (
    select *
    from periods
    where end_date >= (select min(commission_date) from commissions)
        and start_date <= (select max(commission_date) from commissions)
),

first_commissions as (
    select client_id, min(commission_date) as first_commission_date
    from commissions
    group by client_id
),

{# a client's row of the facts is its activity in a period (a counted commission there); each row
   also says, one period on, that the client was active before and with which tier #}
active_now as (
    select grain, period_key, client_id from client_periods
),

active_before as (
    select
        next_periods.grain,
        next_periods.period_key,
        client_periods.client_id,
        client_periods.tier
    from client_periods
    inner join periods as next_periods
        on client_periods.grain = next_periods.grain
        and client_periods.period_key = next_periods.previous_period_key
),

{# the clients active in a period or in the one before it, in one full join #}
classified as (
    select
        data_periods.grain,
        data_periods.period_key,
        coalesce(active_now.client_id, active_before.client_id) as client_id,
        coalesce(active_before.tier, 'none') as previous_tier,
        active_now.client_id is not null as is_active,
        active_before.client_id is not null as was_active,
        first_commissions.first_commission_date >= data_periods.start_date as is_first_period
    from active_now
    full outer join active_before
        on active_now.grain = active_before.grain
        and active_now.period_key = active_before.period_key
        and active_now.client_id = active_before.client_id
    inner join data_periods
        on coalesce(active_now.grain, active_before.grain) = data_periods.grain
        and coalesce(active_now.period_key, active_before.period_key) = data_periods.period_key
    inner join first_commissions
        on coalesce(active_now.client_id, active_before.client_id) = first_commissions.client_id
),

bucketed as (
    select *, previous_tier as bucket from classified
    union all
    select *, 'all' as bucket from classified
),

counts as (
    select
        grain,
        period_key,
        bucket,
        count(*) filter (where was_active) as n_active_before,
        count(*) filter (where was_active and is_active) as n_retained,
        count(*) filter (where was_active and not is_active) as n_lost,
        count(*) filter (where is_active and not was_active and not is_first_period) as n_won_back,
        count(*) filter (where is_active and is_first_period) as n_new,
        count(*) filter (where is_active) as n_active
    from bucketed
    group by grain, period_key, bucket
),

final as (
    select
        data_periods.grain,
        data_periods.period_key,
        buckets.previous_tier,
        data_periods.previous_period_key,
        coalesce(counts.n_active_before, 0) as n_active_before,
        coalesce(counts.n_retained, 0) as n_retained,
        coalesce(counts.n_lost, 0) as n_lost,
        case when counts.n_active_before > 0 then 1.0 * counts.n_lost / counts.n_active_before end as churn_rate,
        coalesce(counts.n_won_back, 0) as n_won_back,
        coalesce(counts.n_new, 0) as n_new,
        coalesce(counts.n_active, 0) as n_active,
        data_periods.start_date
    from data_periods
    cross join buckets
    left join counts
        on data_periods.grain = counts.grain
        and data_periods.period_key = counts.period_key
        and buckets.previous_tier = counts.bucket
)

select * from final

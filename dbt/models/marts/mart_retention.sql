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

activity as (
    select distinct 'quarter' as grain, quarter_key as period_key, client_id from commissions
    union
    select distinct 'year' as grain, year_key as period_key, client_id from commissions
    union
    select distinct 'five_year' as grain, five_year_key as period_key, client_id from commissions
),

first_commissions as (
    select client_id, min(commission_date) as first_commission_date
    from commissions
    group by client_id
),

{# the clients active in a period or in the one before it #}
candidates as (
    select grain, period_key, client_id from activity
    union
    select data_periods.grain, data_periods.period_key, activity.client_id
    from activity
    inner join data_periods
        on activity.grain = data_periods.grain and activity.period_key = data_periods.previous_period_key
),

classified as (
    select
        candidates.grain,
        candidates.period_key,
        candidates.client_id,
        coalesce(previous_period.tier, 'none') as previous_tier,
        now_active.client_id is not null as is_active,
        before_active.client_id is not null as was_active,
        first_commissions.first_commission_date >= data_periods.start_date as is_first_period
    from candidates
    inner join data_periods
        on candidates.grain = data_periods.grain and candidates.period_key = data_periods.period_key
    inner join first_commissions on candidates.client_id = first_commissions.client_id
    left join activity as now_active
        on candidates.grain = now_active.grain
        and candidates.period_key = now_active.period_key
        and candidates.client_id = now_active.client_id
    left join activity as before_active
        on candidates.grain = before_active.grain
        and data_periods.previous_period_key = before_active.period_key
        and candidates.client_id = before_active.client_id
    left join client_periods as previous_period
        on candidates.grain = previous_period.grain
        and data_periods.previous_period_key = previous_period.period_key
        and candidates.client_id = previous_period.client_id
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

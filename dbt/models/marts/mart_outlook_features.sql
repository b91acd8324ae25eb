{# SPEC §5 outlook: what the outlook model (enrichment/outlook.py) reads, per closed year and
   client active in its last `outlook_lookback_years` years: the tier, points, satisfaction,
   recency and frequency at the end of the year, and the label, the counted commissions of the
   next year (known once that year is closed too). A year is closed once the data reaches its Q4. #}
with

periods as (
    select * from {{ ref('int_periods_spined') }} where grain = 'year'
),

commissions as (
    select * from {{ ref('int_commissions_identified') }} where is_counted
),

feedback as (
    select * from {{ ref('int_feedback_dated') }} where client_id is not null
),

client_years as (
    select * from {{ ref('fct_client_period') }} where grain = 'year'
),

closed_years as (
    select
        cast(periods.period_key as integer) as year,
        periods.end_date
    from periods
    where periods.period_key || 'Q4' <= (select max(quarter_key) from commissions)
),

activity as (
    select
        closed_years.year,
        commissions.client_id,
        max(closed_years.end_date) as end_date,
        count(*) filter (where cast(commissions.year_key as integer) = closed_years.year) as n_commissions,
        count(*) filter (
            where cast(commissions.year_key as integer) > closed_years.year - {{ var('outlook_lookback_years') }}
        ) as n_recent_commissions,
        count(distinct commissions.year_key) filter (
            where cast(commissions.year_key as integer) > closed_years.year - {{ var('outlook_lookback_years') }}
        ) as n_recent_active_years,
        count(*) as n_commissions_to_date,
        min(commissions.commission_date) as first_commission_date,
        max(commissions.commission_date) as last_commission_date
    from closed_years
    inner join commissions on cast(commissions.year_key as integer) <= closed_years.year
    group by closed_years.year, commissions.client_id
),

satisfaction as (
    select
        closed_years.year,
        feedback.client_id,
        avg(feedback.rating) as csat,
        count(*) filter (where feedback.rating = 0) as n_dissatisfied
    from closed_years
    inner join feedback
        on extract(year from feedback.feedback_date) <= closed_years.year
        and extract(year from feedback.feedback_date) > closed_years.year - {{ var('outlook_lookback_years') }}
    group by closed_years.year, feedback.client_id
),

{# the latest year's measures on or before the year: R&D strength persists when a client is idle #}
latest_measures as (
    select
        activity.year,
        activity.client_id,
        client_years.rd_points,
        row_number() over (
            partition by activity.year, activity.client_id order by client_years.period_key desc
        ) as recency_rank
    from activity
    inner join client_years
        on activity.client_id = client_years.client_id
        and cast(client_years.period_key as integer) <= activity.year
),

next_year as (
    select
        cast(year_key as integer) - 1 as year,
        client_id,
        count(*) as n_commissions_next_year
    from commissions
    group by year_key, client_id
),

final as (
    select
        activity.year,
        activity.client_id,
        coalesce(this_year.tier, 'none') as tier,
        coalesce(this_year.loyalty_points, 0) as loyalty_points,
        coalesce(this_year.loyalty_points, 0) - coalesce(last_year.loyalty_points, 0) as loyalty_change,
        this_year.mean_recognition,
        this_year.mean_cooperation,
        coalesce(latest_measures.rd_points, 0) as rd_points,
        satisfaction.csat,
        coalesce(satisfaction.n_dissatisfied, 0) as n_dissatisfied,
        activity.end_date - activity.last_commission_date as days_since_last_commission,
        activity.n_commissions,
        activity.n_recent_commissions,
        activity.n_recent_active_years,
        activity.n_commissions_to_date,
        activity.end_date - activity.first_commission_date as days_as_client,
        activity.year + 1 in (select year from closed_years) as is_next_year_closed,
        case when activity.year + 1 in (select year from closed_years)
            then coalesce(next_year.n_commissions_next_year, 0) end as n_commissions_next_year
    from activity
    left join client_years as this_year
        on activity.client_id = this_year.client_id
        and this_year.period_key = cast(activity.year as varchar)
    left join client_years as last_year
        on activity.client_id = last_year.client_id
        and last_year.period_key = cast(activity.year - 1 as varchar)
    left join latest_measures
        on activity.year = latest_measures.year
        and activity.client_id = latest_measures.client_id
        and latest_measures.recency_rank = 1
    left join satisfaction
        on activity.year = satisfaction.year
        and activity.client_id = satisfaction.client_id
    left join next_year
        on activity.year = next_year.year
        and activity.client_id = next_year.client_id
    where activity.n_recent_commissions > 0
)

select * from final

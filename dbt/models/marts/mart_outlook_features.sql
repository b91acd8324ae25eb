{# SPEC §5 outlook: what the outlook model (enrichment/outlook.py) reads, per closed year and
   client active in its last `outlook_lookback_years` years: the tier, points, satisfaction,
   recency and frequency at the end of the year, and the label, the counted commissions of the
   next year (known once that year is closed too). A year is closed once the data reaches its Q4.
   Incremental by client and year (macros/outlook_changes.sql). #}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook=["{{ drop_changed_clients(client_input_hashes(outlook_inputs()), 'inputs_hash', per_period=false) }}",
              "{{ drop_outlook_rows_of_changed_years() }}",
              "{{ refresh_statistics() if is_incremental() }}", "{{ without_nested_loops() }}"],
) }}
with

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
    select * from {{ outlook_closed_years() }} as closed
),

client_hashes as (
    select * from {{ client_input_hashes(outlook_inputs()) }} as hashes
),

{# per client and year with counted commissions: the grain every measure below is summed from
   (a commission joined to each later closed year would be ~8 rows per commission) #}
client_years_active as (
    select
        client_id,
        cast(year_key as integer) as year,
        count(*) as n_commissions,
        min(commission_date) as first_commission_date,
        max(commission_date) as last_commission_date
    from commissions
    group by client_id, year_key
),

client_years_to_date as (
    select
        client_years_active.*,
        sum(n_commissions) over (partition by client_id order by year) as n_commissions_to_date,
        min(first_commission_date) over (partition by client_id) as first_ever_commission_date
    from client_years_active
),

{# the rows to build: those of a year or a client this model holds none of #}
closed_years_held as (
    {{ with_held_flag('closed_years', 'year') }}
),

clients_held as (
    {{ with_held_flag('client_hashes', 'client_id') }}
),

{# the clients active in a closed year's last `outlook_lookback_years` years: the ones scored #}
activity as (
    select
        closed_years.year,
        client_years_to_date.client_id,
        max(closed_years.end_date) as end_date,
        cast(sum(case when client_years_to_date.year = closed_years.year
            then client_years_to_date.n_commissions else 0 end) as bigint) as n_commissions,
        cast(sum(client_years_to_date.n_commissions) as bigint) as n_recent_commissions,
        count(*) as n_recent_active_years,
        cast(max(client_years_to_date.n_commissions_to_date) as bigint) as n_commissions_to_date,
        min(client_years_to_date.first_ever_commission_date) as first_commission_date,
        max(client_years_to_date.last_commission_date) as last_commission_date
    from closed_years_held as closed_years
    inner join client_years_to_date
        on client_years_to_date.year <= closed_years.year
        and client_years_to_date.year > closed_years.year - {{ var('outlook_lookback_years') }}
    inner join clients_held on client_years_to_date.client_id = clients_held.client_id
    where not (closed_years.is_held and clients_held.is_held)
    group by closed_years.year, client_years_to_date.client_id
),

satisfaction as (
    select
        closed_years.year,
        feedback.client_id,
        avg(feedback.rating) as csat,
        count(*) filter (where feedback.rating = 0) as n_dissatisfied
    from closed_years_held as closed_years
    inner join feedback
        on extract(year from feedback.feedback_date) <= closed_years.year
        and extract(year from feedback.feedback_date) > closed_years.year - {{ var('outlook_lookback_years') }}
    inner join clients_held on feedback.client_id = clients_held.client_id
    where not (closed_years.is_held and clients_held.is_held)
    group by closed_years.year, feedback.client_id
),

{# the latest year's measures on or before the year: R&D strength persists when a client is idle;
   each of a client's year rows holds until its next one #}
measures_until as (
    select
        client_id,
        cast(period_key as integer) as from_year,
        lead(cast(period_key as integer)) over (partition by client_id order by period_key) as until_year,
        rd_points
    from client_years
),

next_year as (
    select year - 1 as year, client_id, n_commissions as n_commissions_next_year
    from client_years_active
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
            then coalesce(next_year.n_commissions_next_year, 0) end as n_commissions_next_year,
        client_hashes.inputs_hash as _inputs_hash
    from activity
    inner join client_hashes on activity.client_id = client_hashes.client_id
    left join client_years as this_year
        on activity.client_id = this_year.client_id
        and this_year.period_key = cast(activity.year as varchar)
    left join client_years as last_year
        on activity.client_id = last_year.client_id
        and last_year.period_key = cast(activity.year - 1 as varchar)
    left join measures_until as latest_measures
        on activity.client_id = latest_measures.client_id
        and activity.year >= latest_measures.from_year
        and (activity.year < latest_measures.until_year or latest_measures.until_year is null)
    left join satisfaction
        on activity.year = satisfaction.year
        and activity.client_id = satisfaction.client_id
    left join next_year
        on activity.year = next_year.year
        and activity.client_id = next_year.client_id
)

select * from final

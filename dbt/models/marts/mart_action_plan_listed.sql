{# SPEC §5 action plan (paper §3.2), per quarter: the strategy of the client's tier in the
   latest closed year, expanded into actions. Quarterly actions are due on the quarter's last day;
   yearly ones in Q4 (window: the whole year); holiday greetings on the festival (window: its
   quarter). An action is done when an activity of its type for the client falls on or after its
   window's start; one not done stays listed in every later quarter until it is. Each quarter's list
   is as of its last day (as_of_date): status and done date use nothing that happened after it.
   SPEC §5 outlook: a key or potential_key client at risk at the end of a closed year (mart_client_outlook)
   gets a return visit in that year's Q4 list, due by the end of the next quarter, with the reason.
   Incremental by client and quarter (macros/plan_changes.sql); mart_action_plan adds the client's
   name and searcher when read, which change with any new commission of the client. #}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook=["{{ drop_changed_plan_rows() }}", "{{ drop_quarters_not_reached() }}",
              "{{ refresh_statistics() if is_incremental() }}", "{{ without_nested_loops() }}"],
) }}
-- depends_on: {{ ref('mart_client_years_tracked') }}
with

periods as (
    select * from {{ ref('int_periods_spined') }}
),

client_years as (
    select * from {{ ref('fct_client_period') }} where grain = 'year' and tier is not null
),

activities as (
    select * from {{ ref('int_activities_identified') }}
),

strategies as (
    select * from {{ ref('strategies') }} where activity_type is not null
),

festivals as (
    select * from {{ ref('festivals') }}
),

at_risk as (
    select * from {{ ref('mart_client_outlook') }} where is_at_risk
),

plan_quarters as (
    select * from {{ quarters_reached() }} as quarters
),

origins as (
    select
        plan_quarters.period_key as origin_period_key,
        plan_quarters.start_date as origin_start_date,
        client_years.client_id,
        client_years.tier,
        strategies.action as strategy_action,
        strategies.action_zh,
        strategies.cadence,
        strategies.activity_type,
        case when strategies.cadence in ('quarterly', 'yearly') then plan_quarters.end_date
            else festivals.festival_date end as due_date,
        case when strategies.cadence = 'yearly' then make_date(cast(extract(year from plan_quarters.start_date) as integer), 1, 1)
            else plan_quarters.start_date end as window_start,
        cast(null as varchar) as reason
    from plan_quarters
    inner join client_years
        on client_years.period_key = cast(extract(year from plan_quarters.start_date) - 1 as varchar)
    inner join strategies on client_years.tier = strategies.tier
    left join festivals
        on strategies.cadence = festivals.festival
        and festivals.year = extract(year from plan_quarters.start_date)
    where strategies.cadence = 'quarterly'
        or (strategies.cadence = 'yearly' and extract(quarter from plan_quarters.start_date) = 4)
        or festivals.festival_date between plan_quarters.start_date and plan_quarters.end_date
),

{# scored at the year's end, so listed in its Q4; the visit is done by a return visit from the next
   quarter on, the quarter it is due in #}
at_risk_origins as (
    select
        plan_quarters.period_key as origin_period_key,
        plan_quarters.start_date as origin_start_date,
        at_risk.client_id,
        at_risk.tier,
        'at_risk_return_visit' as strategy_action,
        '流失风险回访' as action_zh,
        'at_risk' as cadence,
        'return_visit' as activity_type,
        next_quarters.end_date as due_date,
        next_quarters.start_date as window_start,
        'at risk: p = ' || cast(cast(at_risk.p_active_next_year as decimal(4, 2)) as varchar) as reason
    from at_risk
    inner join plan_quarters on plan_quarters.period_key = cast(at_risk.year as varchar) || 'Q4'
    inner join periods as next_quarters
        on next_quarters.grain = 'quarter' and next_quarters.previous_period_key = plan_quarters.period_key
),

every_origin as (
    select * from origins
    union all
    select * from at_risk_origins
),

{# each action's first matching activity on or after its window's start, as one join (a subquery
   per action would run once per row on PostgreSQL: minutes for the demo) #}
first_done as (
    select
        actions.client_id,
        actions.activity_type,
        actions.window_start,
        min(activities.activity_date) as done_date
    from (select distinct client_id, activity_type, window_start from every_origin) as actions
    inner join activities
        on activities.client_id = actions.client_id
        and activities.activity_type = actions.activity_type
        and activities.activity_date >= actions.window_start
    group by actions.client_id, actions.activity_type, actions.window_start
),

with_done_date as (
    select
        every_origin.*,
        first_done.done_date
    from every_origin
    left join first_done
        on every_origin.client_id = first_done.client_id
        and every_origin.activity_type = first_done.activity_type
        and every_origin.window_start = first_done.window_start
),

{% if is_incremental() -%}
changed as (
    select * from {{ plan_changes() }} as changes
),

{% endif -%}
listed as (
    select
        plan_quarters.period_key,
        plan_quarters.start_date,
        plan_quarters.end_date,
        with_done_date.*
    from plan_quarters
    inner join with_done_date
        on with_done_date.origin_start_date <= plan_quarters.start_date
    {% if is_incremental() -%}
    left join changed on with_done_date.client_id = changed.client_id
    {% endif -%}
    where (with_done_date.origin_period_key = plan_quarters.period_key
            or with_done_date.done_date is null
            or with_done_date.done_date >= plan_quarters.start_date)
        and {{ plan_rows_to_build('plan_quarters') }}
),

as_of as (
    select
        listed.*,
        listed.end_date as as_of_date,
        case when listed.done_date <= listed.end_date then listed.done_date end as done_by_then
    from listed
),

final as (
    select
        as_of.period_key,
        as_of.as_of_date,
        as_of.client_id,
        as_of.strategy_action || ' ' || as_of.origin_period_key as action,
        as_of.strategy_action,
        as_of.action_zh,
        as_of.reason,
        as_of.tier,
        as_of.origin_period_key,
        as_of.due_date,
        as_of.done_by_then is not null as done,
        as_of.done_by_then as done_date,
        as_of.done_by_then is null and as_of.due_date < as_of.as_of_date as is_overdue,
        case
            when as_of.done_by_then <= as_of.due_date then 'done'
            when as_of.done_by_then is not null then 'done_late'
            when as_of.due_date < as_of.as_of_date then 'overdue'
            else 'open'
        end as status
    from as_of
)

select * from final

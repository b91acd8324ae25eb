{# What the action plan reads of each client's years (SPEC §5): the year's tier, and whether the
   client was at risk at its end, with the tier and probability its return visit shows. Each row
   says when it last changed: changed_after_load is the last load already built (last_built_load,
   macros/new_loads.sql) in the build that found the row different from the previous build's. The
   action plan rebuilds a client's quarters from the first year that changed in this build
   (macros/plan_changes.sql).

   To tell, this table reads its own previous version: a table is built under another name and
   swapped in, so {{ this }} is still the previous build's while this runs. A year that loses both
   states stays one build as a row of nulls, so that its change is seen. #}
{%- set previous = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier) %}
with

client_years as (
    select * from {{ ref('fct_client_period') }} where grain = 'year' and tier is not null
),

at_risk as (
    select * from {{ ref('mart_client_outlook') }} where is_at_risk
),

current_state as (
    select
        coalesce(client_years.client_id, at_risk.client_id) as client_id,
        coalesce(cast(client_years.period_key as integer), at_risk.year) as year,
        client_years.tier,
        at_risk.tier as at_risk_tier,
        at_risk.p_active_next_year as at_risk_p_active_next_year
    from client_years
    full outer join at_risk
        on client_years.client_id = at_risk.client_id and cast(client_years.period_key as integer) = at_risk.year
),

{% if previous is none -%}
final as (
    select *, {{ last_built_load() }} as changed_after_load from current_state
)
{%- else -%}
previous_state as (
    select * from {{ previous }}
),

final as (
    select
        coalesce(current_state.client_id, previous_state.client_id) as client_id,
        coalesce(current_state.year, previous_state.year) as year,
        current_state.tier,
        current_state.at_risk_tier,
        current_state.at_risk_p_active_next_year,
        case
            when previous_state.client_id is not null
                and current_state.tier is not distinct from previous_state.tier
                and current_state.at_risk_tier is not distinct from previous_state.at_risk_tier
                and current_state.at_risk_p_active_next_year is not distinct from previous_state.at_risk_p_active_next_year
                then previous_state.changed_after_load
            else {{ last_built_load() }}
        end as changed_after_load
    from current_state
    full outer join previous_state
        on current_state.client_id = previous_state.client_id and current_state.year = previous_state.year
    where current_state.client_id is not null
        or previous_state.tier is not null
        or previous_state.at_risk_tier is not null
)
{%- endif %}

select * from final

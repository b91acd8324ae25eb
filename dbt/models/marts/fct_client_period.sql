{# SPEC §5 and §6: per grain, period and client with counted commissions — points, levels,
   completeness, tier (Table 4) with the reason when there is none, and the transition against
   the previous period of the same grain. The client's nature comes from int_clients_described
   (as in dim_client), so that this table and what reads it need no enrichment table (dim_client's
   R&D directions do): they build in dbt's first stage. Incremental by client
   (macros/changed_clients.sql). #}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    tags=['per_period'],
    pre_hook=["{{ drop_changed_clients(ref('int_client_periods_measured'), '_inputs_hash') }}", "{{ refresh_statistics() if is_incremental() }}",
              "{{ without_nested_loops() }}"],
) }}
with

measures as (
    select * from {{ ref('int_client_periods_measured') }} where {{ clients_to_build('client_id') }}
),

periods as (
    select * from {{ ref('int_periods_spined') }}
),

clients as (
    select * from {{ ref('int_clients_described') }}
),

levelled as (
    select
        measures.*,
        clients.nature,
        case when measures.loyalty_points >= {{ var('loyalty_high_threshold') }} then 'high' else 'normal' end
            as loyalty_level,
        case when measures.rd_points >= {{ var('rd_strong_threshold') }} then 'strong' else 'normal' end
            as rd_level,
        periods.previous_period_key
    from measures
    inner join clients on measures.client_id = clients.client_id
    inner join periods on measures.grain = periods.grain and measures.period_key = periods.period_key
),

tiered as (
    select
        *,
        case
            when nature <> 'enterprise' or not is_complete then null
            when rd_level = 'strong' and loyalty_level = 'high' then 'key'
            when rd_level = 'strong' or loyalty_level = 'high' then 'potential_key'
            else 'general'
        end as tier,
        case
            when nature <> 'enterprise' then 'not_enterprise'
            when not is_complete then 'incomplete'
        end as untiered_reason
    from levelled
),

final as (
    select
        current_period.grain,
        current_period.period_key,
        current_period.client_id,
        current_period.nature,
        current_period.n_commissions,
        current_period.n_active_sub_periods,
        current_period.mean_recognition,
        current_period.mean_cooperation,
        current_period.commission_fees,
        current_period.n_project_approval,
        current_period.n_patent_purpose,
        current_period.loyalty_points,
        current_period.loyalty_level,
        current_period.profile_year,
        current_period.talents,
        current_period.n_honors,
        current_period.n_valid_inventions,
        current_period.n_valid_utility_models,
        current_period.n_patents_filed,
        current_period.rd_points,
        current_period.rd_level,
        current_period.is_complete,
        current_period.missing_attributes,
        current_period.tier,
        current_period.untiered_reason,
        previous_period.tier as previous_tier,
        case
            when current_period.tier is null then null
            when previous_period.tier is null then 'new'
            when {{ tier_rank('current_period.tier') }} > {{ tier_rank('previous_period.tier') }} then 'up'
            when {{ tier_rank('current_period.tier') }} < {{ tier_rank('previous_period.tier') }} then 'down'
            else 'same'
        end as transition,
        current_period.start_date,
        current_period.end_date,
        current_period._inputs_hash
    from tiered as current_period
    left join tiered as previous_period
        on current_period.grain = previous_period.grain
        and current_period.previous_period_key = previous_period.period_key
        and current_period.client_id = previous_period.client_id
)

select * from final where {{ rows_to_build('client_id', 'period_key') }}

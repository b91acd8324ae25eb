{# SPEC §5 per client and period, over counted commissions dated in the period: activity, loyalty
   points, R&D points from the latest profile with year <= the period's last year and the patents
   filed by its last day, and the completeness attributes. One row per client with >= 1 counted
   commission in the period. Incremental by client (macros/changed_clients.sql). #}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    tags=['per_period'],
    pre_hook=["{{ drop_changed_clients(ref('int_client_inputs_fingerprinted'), 'inputs_hash') }}", "{{ refresh_statistics() if is_incremental() }}",
              "{{ without_nested_loops() }}"],
) }}
with

periods as (
    select * from {{ ref('int_periods_spined') }}
),

commissions as (
    select * from {{ ref('int_commissions_identified') }} where is_counted and {{ clients_to_build('client_id') }}
),

clients as (
    select * from {{ ref('int_clients_described') }}
),

profiles as (
    select * from {{ ref('int_profiles_identified') }}
),

patents as (
    select * from {{ ref('int_patents_identified') }}
),

fingerprints as (
    select * from {{ ref('int_client_inputs_fingerprinted') }}
),

activity as (
    select
        periods.grain,
        periods.period_key,
        commissions.client_id,
        periods.start_date,
        periods.end_date,
        periods.n_sub_periods,
        count(*) as n_commissions,
        count(distinct {{ sub_period('periods.grain', 'commissions.commission_date') }}) as n_active_sub_periods,
        avg(commissions.recognition) as mean_recognition,
        avg(commissions.cooperation) as mean_cooperation,
        coalesce(sum(commissions.fee), 0) as commission_fees,
        count(*) filter (where commissions.purpose = 'project_approval') as n_project_approval,
        count(*) filter (where commissions.purpose = 'patent') as n_patent_purpose
    from periods
    inner join commissions
        on commissions.commission_date between periods.start_date and periods.end_date
    group by periods.grain, periods.period_key, commissions.client_id,
        periods.start_date, periods.end_date, periods.n_sub_periods
),

profile_ranked as (
    select
        activity.grain,
        activity.period_key,
        activity.client_id,
        profiles.year as profile_year,
        profiles.talents,
        profiles.n_honors,
        profiles.enterprise_type,
        profiles.industry,
        row_number() over (
            partition by activity.grain, activity.period_key, activity.client_id
            order by profiles.year desc
        ) as recency_rank
    from activity
    inner join profiles
        on profiles.client_id = activity.client_id
        and profiles.year <= extract(year from activity.end_date)
),

patent_counts as (
    select
        activity.grain,
        activity.period_key,
        activity.client_id,
        count(*) filter (where patents.patent_type = 'invention' and patents.legal_status = 'valid'
                             and patents.filed_date <= activity.end_date) as n_valid_inventions,
        count(*) filter (where patents.patent_type = 'utility' and patents.legal_status = 'valid'
                             and patents.filed_date <= activity.end_date) as n_valid_utility_models,
        count(*) filter (where patents.filed_date between activity.start_date and activity.end_date)
            as n_patents_filed
    from activity
    inner join patents on patents.client_id = activity.client_id
    group by activity.grain, activity.period_key, activity.client_id
),

measured as (
    select
        activity.*,
        profile_ranked.profile_year,
        profile_ranked.talents,
        profile_ranked.n_honors,
        coalesce(patent_counts.n_valid_inventions, 0) as n_valid_inventions,
        coalesce(patent_counts.n_valid_utility_models, 0) as n_valid_utility_models,
        coalesce(patent_counts.n_patents_filed, 0) as n_patents_filed,
        {{ loyalty_points('activity.grain', 'activity.n_active_sub_periods', 'activity.n_sub_periods',
                          'activity.n_commissions', 'activity.mean_recognition', 'activity.mean_cooperation') }}
            as loyalty_points,
        {{ rd_points('profile_ranked.talents', 'patent_counts.n_valid_inventions',
                     'patent_counts.n_valid_utility_models', 'profile_ranked.n_honors') }} as rd_points,
        clients.email is not null or clients.phone is not null as has_contact,
        clients.address is not null as has_address,
        coalesce(clients.enterprise_type, profile_ranked.enterprise_type) is not null as has_enterprise_type,
        coalesce(clients.industry, profile_ranked.industry) is not null as has_industry,
        profile_ranked.profile_year is not null as has_rd_profile,
        fingerprints.inputs_hash as _inputs_hash
    from activity
    inner join clients on activity.client_id = clients.client_id
    inner join fingerprints on activity.client_id = fingerprints.client_id
    left join profile_ranked
        on activity.grain = profile_ranked.grain
        and activity.period_key = profile_ranked.period_key
        and activity.client_id = profile_ranked.client_id
        and profile_ranked.recency_rank = 1
    left join patent_counts
        on activity.grain = patent_counts.grain
        and activity.period_key = patent_counts.period_key
        and activity.client_id = patent_counts.client_id
),

final as (
    select
        *,
        has_contact and has_address and has_enterprise_type and has_industry and has_rd_profile as is_complete,
        nullif(concat_ws(', ',
            case when not has_contact then 'email/phone' end,
            case when not has_address then 'address' end,
            case when not has_enterprise_type then 'enterprise_type' end,
            case when not has_industry then 'industry' end,
            case when not has_rd_profile then 'rd_profile' end
        ), '') as missing_attributes
    from measured
)

select * from final where {{ rows_to_build('client_id', 'period_key') }}

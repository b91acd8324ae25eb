{# SPEC §5 value clients (paper §2.2(4), §3.4) per period: monetary value (fees of counted
   commissions plus value-added services started in the period), referrals (distinct clients
   whose first commission, dated in the period, names this client in 推荐单位), and latent demand
   (strong R&D, yet more than twice as many patents filed as commissions). Ranked by monetary
   value, then referrals, then client_id; the top 10 % and every client with a referral or latent
   demand are value clients. #}
with

periods as (
    select * from {{ ref('int_periods_spined') }}
),

client_periods as (
    select * from {{ ref('fct_client_period') }}
),

commissions as (
    select * from {{ ref('int_commissions_identified') }}
),

services as (
    select * from {{ ref('int_services_identified') }}
),

first_commissions as (
    select
        client_id,
        referred_by_client_id,
        commission_date,
        row_number() over (partition by client_id order by commission_date, _load_id, _row_number) as order_rank
    from commissions
),

referrals as (
    select periods.grain, periods.period_key, first_commissions.referred_by_client_id as client_id,
        count(distinct first_commissions.client_id) as n_referrals
    from periods
    inner join first_commissions
        on first_commissions.commission_date between periods.start_date and periods.end_date
    where first_commissions.order_rank = 1
        and first_commissions.referred_by_client_id is not null
        and first_commissions.referred_by_client_id <> first_commissions.client_id
    group by periods.grain, periods.period_key, first_commissions.referred_by_client_id
),

service_fees as (
    select periods.grain, periods.period_key, services.client_id,
        coalesce(sum(services.fee), 0) as service_fees, count(*) as n_services
    from periods
    inner join services on services.start_date between periods.start_date and periods.end_date
    group by periods.grain, periods.period_key, services.client_id
),

candidates as (
    select grain, period_key, client_id from client_periods
    union
    select grain, period_key, client_id from referrals
    union
    select grain, period_key, client_id from service_fees
),

measured as (
    select
        candidates.grain,
        candidates.period_key,
        candidates.client_id,
        coalesce(client_periods.commission_fees, 0) as commission_fees,
        coalesce(service_fees.service_fees, 0) as service_fees,
        coalesce(client_periods.commission_fees, 0) + coalesce(service_fees.service_fees, 0) as monetary_value,
        coalesce(referrals.n_referrals, 0) as n_referrals,
        coalesce(client_periods.n_commissions, 0) as n_commissions,
        coalesce(client_periods.n_patents_filed, 0) as n_patents_filed,
        coalesce(client_periods.rd_level = 'strong'
            and client_periods.n_patents_filed > {{ var('latent_patent_ratio') }} * client_periods.n_commissions,
            false) as has_latent_demand
    from candidates
    left join client_periods
        on candidates.grain = client_periods.grain and candidates.period_key = client_periods.period_key
        and candidates.client_id = client_periods.client_id
    left join referrals
        on candidates.grain = referrals.grain and candidates.period_key = referrals.period_key
        and candidates.client_id = referrals.client_id
    left join service_fees
        on candidates.grain = service_fees.grain and candidates.period_key = service_fees.period_key
        and candidates.client_id = service_fees.client_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by grain, period_key order by monetary_value desc, n_referrals desc, client_id
        ) as value_rank,
        count(*) over (partition by grain, period_key) as n_ranked
    from measured
),

final as (
    select
        *,
        value_rank <= ceil({{ var('value_top_share') }} * n_ranked) as is_top_value,
        value_rank <= ceil({{ var('value_top_share') }} * n_ranked) or n_referrals >= 1 or has_latent_demand
            as is_value_client
    from ranked
)

select * from final

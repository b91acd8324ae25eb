{# SPEC §5 service recommendations (paper §3.4, Table 5) for clients active in the last 4 quarters
   of the data: each rule of the service_rules seed that fires names a product and the reason a
   person reads; a product bought in the last 4 quarters is not recommended again. The reason
   names the client's R&D direction where the rule's text has {direction} (Table 5's cases:
   "领域态势分析: 猪伪狂犬病疫苗 — 5 commissions since 2009"). #}
with

commissions as (
    select * from {{ ref('int_commissions_identified') }} where is_counted
),

clients as (
    select * from {{ ref('dim_client') }}
),

bought as (
    select * from {{ ref('int_service_products_exploded') }}
),

profiles as (
    select * from {{ ref('int_profiles_identified') }}
),

patents as (
    select * from {{ ref('int_patents_identified') }}
),

rules as (
    select * from {{ ref('service_rules') }}
),

as_of as (
    select
        max(commission_date) as as_of_date,
        {{ dbt.dateadd('month', -3 * (var('lookback_quarters') - 1),
                       dbt.date_trunc('quarter', 'max(commission_date)')) }} as window_start
    from commissions
),

recent as (
    select
        commissions.client_id,
        count(*) as n_commissions,
        count(*) filter (where commissions.purpose = 'project_approval') as n_project_approval
    from commissions
    cross join as_of
    where commissions.commission_date >= as_of.window_start
    group by commissions.client_id
),

patent_purposes as (
    select client_id, count(*) as n_patent_purpose from commissions where purpose = 'patent' group by client_id
),

latest_profile as (
    select *, row_number() over (partition by client_id order by year desc) as recency_rank from profiles
),

patent_counts as (
    select
        patents.client_id,
        count(*) filter (where patents.patent_type = 'invention' and patents.legal_status = 'valid')
            as n_valid_inventions,
        count(*) filter (where patents.patent_type = 'utility' and patents.legal_status = 'valid')
            as n_valid_utility_models,
        count(*) filter (where patents.filed_date >= as_of.window_start) as n_recent_patents
    from patents
    cross join as_of
    group by patents.client_id
),

strength as (
    select
        recent.client_id,
        recent.n_commissions,
        recent.n_project_approval,
        coalesce(patent_purposes.n_patent_purpose, 0) as n_patent_purpose,
        coalesce(patent_counts.n_recent_patents, 0) as n_recent_patents,
        {{ rd_points('latest_profile.talents', 'patent_counts.n_valid_inventions',
                     'patent_counts.n_valid_utility_models', 'latest_profile.n_honors') }} as rd_points,
        exists (select 1 from bought where bought.client_id = recent.client_id) as has_bought_service
    from recent
    left join patent_purposes on recent.client_id = patent_purposes.client_id
    left join latest_profile on recent.client_id = latest_profile.client_id and latest_profile.recency_rank = 1
    left join patent_counts on recent.client_id = patent_counts.client_id
),

signals as (
    select client_id, 'recent_project_approval' as rule, n_project_approval as n
    from strength where n_project_approval >= 1
    union all
    select client_id, 'patent_demand' as rule, n_patent_purpose as n
    from strength
    where (rd_points >= {{ var('rd_strong_threshold') }}
           and n_recent_patents > {{ var('latent_patent_ratio') }} * n_commissions)
        or n_patent_purpose >= {{ var('patent_purpose_min') }}
    union all
    select client_id, 'strong_rd_no_service' as rule, rd_points as n
    from strength where rd_points >= {{ var('rd_strong_threshold') }} and not has_bought_service
),

peer_products as (
    select clients.industry, bought.product, count(distinct bought.client_id) as n_peers
    from bought
    inner join clients on bought.client_id = clients.client_id
    where clients.industry is not null
    group by clients.industry, bought.product
    having count(distinct bought.client_id) >= {{ var('peer_min_clients') }}
),

directions as (
    select
        client_id,
        top_direction || ' — ' || cast(top_direction_n_commissions as varchar)
            || case when top_direction_n_commissions = 1 then ' commission' else ' commissions' end
            || ' since ' || cast(top_direction_since as varchar) as direction
    from clients
    where top_direction_n_commissions >= 1
),

recommendations as (
    select signals.client_id, rules.product, signals.rule,
        replace(rules.reason, '{n}', {{ float_text('signals.n') }}) as reason
    from signals
    inner join rules on signals.rule = rules.rule
    where rules.product is not null

    union all

    select strength.client_id, peer_products.product, rules.rule,
        replace(replace(rules.reason, '{n}', cast(peer_products.n_peers as varchar)), '{industry}', clients.industry)
            as reason
    from strength
    inner join clients on strength.client_id = clients.client_id
    inner join peer_products on clients.industry = peer_products.industry
    inner join rules on rules.rule = 'peers_bought'
    where not exists (
        select 1 from bought
        where bought.client_id = strength.client_id and bought.product = peer_products.product
    )
),

not_bought_recently as (
    select
        recommendations.client_id,
        recommendations.product,
        recommendations.rule,
        replace(recommendations.reason, '{direction}', coalesce(directions.direction, 'its field')) as reason,
        directions.direction
    from recommendations
    left join directions on recommendations.client_id = directions.client_id
    cross join as_of
    where not exists (
        select 1 from bought
        where bought.client_id = recommendations.client_id
            and bought.product = recommendations.product
            and bought.start_date >= as_of.window_start
    )
),

final as (
    select
        not_bought_recently.client_id,
        not_bought_recently.product,
        {{ dbt.listagg('not_bought_recently.reason', "'; '", 'order by not_bought_recently.rule') }} as reason,
        {{ dbt.listagg('not_bought_recently.rule', "', '", 'order by not_bought_recently.rule') }} as rules,
        clients.display_name,
        clients.industry,
        max(not_bought_recently.direction) as direction,
        max(as_of.as_of_date) as as_of_date
    from not_bought_recently
    inner join clients on not_bought_recently.client_id = clients.client_id
    cross join as_of
    group by not_bought_recently.client_id, not_bought_recently.product, clients.display_name, clients.industry
)

select * from final

{# SPEC §5 R&D directions per industry and year (研发方向): how many counted commissions name each
   keyword, against the year before; growth is the difference, and the rising keywords of an
   industry-year rank first. The industry is the commission's, else its client's. #}
with

commission_keywords as (
    select * from {{ ref('int_commission_keywords_extracted') }} where is_counted
),

clients as (
    select * from {{ ref('dim_client') }}
),

counted as (
    select
        coalesce(commission_keywords.industry, clients.industry, 'unclassified') as industry,
        commission_keywords.year,
        commission_keywords.keyword,
        count(distinct commission_keywords.commission_no) as n_commissions,
        count(distinct commission_keywords.client_id) as n_clients
    from commission_keywords
    inner join clients on commission_keywords.client_id = clients.client_id
    group by 1, 2, 3
),

compared as (
    select
        counted.industry,
        counted.year,
        counted.keyword,
        counted.n_commissions,
        counted.n_clients,
        coalesce(previous.n_commissions, 0) as n_commissions_previous_year,
        counted.n_commissions - coalesce(previous.n_commissions, 0) as growth
    from counted
    left join counted as previous
        on counted.industry = previous.industry
        and counted.keyword = previous.keyword
        and counted.year = previous.year + 1
),

final as (
    select
        *,
        row_number() over (
            partition by industry, year order by growth desc, n_commissions desc, keyword
        ) as growth_rank
    from compared
)

select * from final

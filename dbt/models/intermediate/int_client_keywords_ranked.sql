{# SPEC §5 R&D directions of each client (研发方向): the keywords of its counted commissions' titles
   and of its latest profile's core technology and products, ranked by how many commissions name
   each (a keyword of the profile counts as one more), then the most recent, then the keyword. #}
with

commission_keywords as (
    select * from {{ ref('int_commission_keywords_extracted') }} where is_counted
),

profiles as (
    select * from {{ ref('int_profiles_identified') }}
),

keywords as (
    select * from {{ source('enrichment', 'text_keywords') }}
),

latest_profile as (
    select *, row_number() over (partition by client_id order by year desc) as recency_rank from profiles
),

profile_keywords as (
    select distinct latest_profile.client_id, keywords.keyword
    from latest_profile
    inner join keywords
        on keywords.text = latest_profile.core_technology or keywords.text = latest_profile.core_product
    where latest_profile.recency_rank = 1
),

from_commissions as (
    select
        client_id,
        keyword,
        count(distinct commission_no) as n_commissions,
        min(year) as first_year,
        max(commission_date) as last_commission_date
    from commission_keywords
    group by client_id, keyword
),

combined as (
    select
        coalesce(from_commissions.client_id, profile_keywords.client_id) as client_id,
        coalesce(from_commissions.keyword, profile_keywords.keyword) as keyword,
        coalesce(from_commissions.n_commissions, 0) as n_commissions,
        from_commissions.first_year,
        from_commissions.last_commission_date,
        profile_keywords.keyword is not null as is_in_profile
    from from_commissions
    full outer join profile_keywords
        on from_commissions.client_id = profile_keywords.client_id
        and from_commissions.keyword = profile_keywords.keyword
),

final as (
    select
        *,
        row_number() over (
            partition by client_id
            order by n_commissions + case when is_in_profile then 1 else 0 end desc,
                last_commission_date desc nulls last, keyword
        ) as keyword_rank
    from combined
)

select * from final

{# SPEC §5 R&D directions: the keywords of each usable commission's title (jieba, the enrichment
   asset), one row per commission and keyword. An empty or English-only title has none. #}
with

commissions as (
    select * from {{ ref('int_commissions_identified') }}
),

keywords as (
    select * from {{ source('enrichment', 'text_keywords') }}
),

final as (
    select
        commissions.commission_no,
        commissions.client_id,
        commissions.commission_date,
        cast(extract(year from commissions.commission_date) as integer) as year,
        commissions.industry,
        commissions.is_counted,
        keywords.keyword,
        keywords.position
    from commissions
    inner join keywords on commissions.title_zh = keywords.text
)

select * from final

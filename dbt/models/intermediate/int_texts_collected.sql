{# SPEC §5 R&D directions: every distinct text whose keywords make a direction — commission titles
   (title_zh) and the profiles' core technology and products. The enrichment asset segments each
   once (jieba); the keywords come back as the source enrichment.text_keywords, keyed by the text. #}
with

commissions as (
    select * from {{ ref('int_commissions_attributed') }} where _reject_reason is null
),

profiles as (
    select * from {{ ref('stg_profiles') }} where _reject_reason is null
),

texts as (
    select title_zh as text from commissions
    union
    select core_technology from profiles
    union
    select core_product from profiles
),

final as (
    select text from texts where text is not null and {{ trim_spaces('text') }} <> ''
)

select * from final

{# SPEC §5 duplicate candidates: every piece of evidence that two organisation match names are one
   organisation — a shared contact, or names at least duplicate_name_min_similarity % alike
   (rapidfuzz, the enrichment asset) — with its weight and the words staff read. Match names, not
   clients: what the candidates would be with an empty alias seed. #}
with

contacts as (
    select * from {{ ref('int_organisation_contacts_shared') }}
),

name_pairs as (
    select * from {{ source('enrichment', 'organisation_name_pairs') }}
),

evidence as (
    select
        match_name,
        other_match_name,
        kind,
        value,
        {{ duplicate_weight('kind', 'null') }} as weight,
        'same ' || kind || ' ' || value as evidence
    from contacts
    union all
    select
        match_name,
        other_match_name,
        'name' as kind,
        cast(similarity as varchar) as value,
        {{ duplicate_weight("'name'", 'similarity') }} as weight,
        'names ' || cast(similarity as varchar) || ' % alike' as evidence
    from name_pairs
    where similarity >= {{ var('duplicate_name_min_similarity') }}
),

final as (
    select * from evidence
)

select * from final

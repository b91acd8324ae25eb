{# SPEC §5 duplicate candidates per pair of organisation match names, before the alias seed: the
   evidence as a list and the score (macros/duplicates.sql). mart_duplicate_candidates gives the
   same for pairs of clients; here a pair the seed already merged is still listed (is_merged). #}
with

evidence as (
    select * from {{ ref('int_duplicate_evidence_collected') }}
),

organisations as (
    select * from {{ ref('int_organisations_resolved') }}
),

scored as (
    select
        match_name,
        other_match_name,
        {{ dbt.listagg('evidence', "'; '", 'order by weight desc, evidence') }} as evidence,
        count(*) as n_evidence,
        {{ duplicate_score('weight') }} as score
    from evidence
    group by match_name, other_match_name
),

final as (
    select
        scored.*,
        organisations.client_id = others.client_id as is_merged
    from scored
    inner join organisations on scored.match_name = organisations.match_name
    inner join organisations as others on scored.other_match_name = others.match_name
)

select * from final

{# mart_duplicate_candidates for BI tools. The select list is the PII allow-list (SPEC §7): the
   evidence names contacts, so only its kinds, the names' similarity and the score are published. #}
with

mart_duplicate_candidates as (
    select * from {{ ref('mart_duplicate_candidates') }}
),

final as (
    select
        client_id,
        other_client_id,
        display_name,
        other_display_name,
        n_commissions,
        other_n_commissions,
        evidence_kinds,
        name_similarity,
        n_evidence,
        score,
        candidate_rank
    from mart_duplicate_candidates
)

select * from final

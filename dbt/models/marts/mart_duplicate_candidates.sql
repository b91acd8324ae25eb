{# SPEC §5 duplicate candidates: pairs of different clients that are probably one organisation
   under two names, each with its evidence (shared contacts, near-identical match names) and a
   score, for staff to confirm into the alias seed (`chaxin aliases --out`); never merged here.
   The evidence holds contacts: PII, so bi publishes the kinds of evidence only. #}
with

evidence as (
    select * from {{ ref('int_duplicate_evidence_collected') }}
),

organisations as (
    select * from {{ ref('int_organisations_resolved') }}
),

clients as (
    select * from {{ ref('dim_client') }}
),

between_clients as (
    select
        case when mine.client_id < theirs.client_id then mine.client_id else theirs.client_id end as client_id,
        case when mine.client_id < theirs.client_id then theirs.client_id else mine.client_id end as other_client_id,
        evidence.kind,
        evidence.value,
        evidence.weight,
        evidence.evidence
    from evidence
    inner join organisations as mine on evidence.match_name = mine.match_name
    inner join organisations as theirs on evidence.other_match_name = theirs.match_name
    where mine.client_id <> theirs.client_id
),

{# one piece of evidence counts once per pair of clients, however many of their names share it;
   of several name pairs, the most alike #}
distinct_evidence as (
    select
        *,
        row_number() over (
            partition by client_id, other_client_id, case when kind = 'name' then kind else kind || ':' || value end
            order by weight desc
        ) as evidence_rank
    from between_clients
),

scored as (
    select
        client_id,
        other_client_id,
        {{ dbt.listagg('evidence', "'; '", 'order by weight desc, evidence') }} as evidence,
        {{ dbt.listagg('distinct kind', "', '", 'order by kind') }} as evidence_kinds,
        max(case when kind = 'name' then cast(value as integer) end) as name_similarity,
        count(*) as n_evidence,
        {{ duplicate_score('weight') }} as score
    from distinct_evidence
    where evidence_rank = 1
    group by client_id, other_client_id
),

named as (
    select
        scored.*,
        clients.display_name,
        others.display_name as other_display_name,
        clients.n_commissions,
        others.n_commissions as other_n_commissions,
        {# the name that stays (the alias seed's canonical_name): the client with more counted
           commissions, then the one seen last (a renamed firm's new name), then the smaller id #}
        case
            when clients.n_commissions <> others.n_commissions then clients.n_commissions > others.n_commissions
            when clients.last_commission_date <> others.last_commission_date
                then clients.last_commission_date > others.last_commission_date
            else true
        end as is_first_canonical
    from scored
    inner join clients on scored.client_id = clients.client_id
    inner join clients as others on scored.other_client_id = others.client_id
),

final as (
    select
        client_id,
        other_client_id,
        display_name,
        other_display_name,
        n_commissions,
        other_n_commissions,
        evidence,
        evidence_kinds,
        name_similarity,
        n_evidence,
        score,
        row_number() over (order by score desc, n_evidence desc, client_id, other_client_id) as candidate_rank,
        case when is_first_canonical then other_display_name else display_name end as alias_name,
        case when is_first_canonical then display_name else other_display_name end as canonical_name,
        'duplicate candidate, score ' || {{ float_text('score') }} || ': ' || evidence as alias_note
    from named
)

select * from final

{# SPEC §5 outlook, per closed year and client: the probability of at least one commission in the
   next four quarters and the expected number, scored by enrichment/outlook.py (fitted on the years
   before, no look-ahead); at risk = a key or potential_key client that year whose probability is
   below var at_risk_threshold. #}
with

scores as (
    select * from {{ source('enrichment', 'client_outlook') }}
),

features as (
    select * from {{ ref('mart_outlook_features') }}
),

final as (
    select
        scores.year,
        scores.client_id,
        features.tier,
        scores.p_active_next_year,
        scores.expected_commissions,
        features.tier in ('key', 'potential_key')
            and scores.p_active_next_year < {{ var('at_risk_threshold') }} as is_at_risk,
        features.n_commissions,
        features.days_since_last_commission,
        features.n_commissions_next_year,
        scores.fitted_through_year,
        scores.n_training_rows
    from scores
    inner join features on scores.year = features.year and scores.client_id = features.client_id
)

select * from final

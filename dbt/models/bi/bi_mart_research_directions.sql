{# mart_research_directions for BI tools. The select list is the PII allow-list (SPEC §7): keywords
   and counts only. #}
with

mart_research_directions as (
    select * from {{ ref('mart_research_directions') }}
),

final as (
    select
        industry,
        year,
        keyword,
        n_commissions,
        n_clients,
        n_commissions_previous_year,
        growth,
        growth_rank
    from mart_research_directions
)

select * from final

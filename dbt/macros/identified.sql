{# A staging family's usable rows with the client each organisation resolves to (SPEC §3). #}
{% macro identified(family) -%}
with

rows_of_family as (
    select * from {{ ref('stg_' ~ family) }} where _reject_reason is null
),

organisations as (
    select * from {{ ref('int_organisations_resolved') }}
),

final as (
    select
        {{ star(ref('stg_' ~ family), 'rows_of_family', except=['_reject_reason']) }},
        organisations.client_id
    from rows_of_family
    inner join organisations on rows_of_family.org_match_name = organisations.match_name
)

select * from final
{%- endmacro %}

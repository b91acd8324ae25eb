{# SPEC §3: every organisation match name seen in any family, resolved through the curated alias
   seed to the client it belongs to. client_id is a stable hash of the client's match name.
   An alias listed twice would repeat its match name here; the unique test on match_name stops
   such a seed before any mart is built. #}
with

aliases_seed as (
    select * from {{ ref('organisation_aliases') }}
),

commissions as (
    select * from {{ ref('int_commissions_attributed') }} where _reject_reason is null
),

{% for family in ['profiles', 'patents', 'surveys', 'services', 'activities'] %}
{{ family }} as (
    select org_match_name from {{ ref('stg_' ~ family) }} where _reject_reason is null
),
{% endfor %}

aliases as (
    select
        {{ match_name(nfkc('alias_name')) }} as alias_match_name,
        {{ match_name(nfkc('canonical_name')) }} as canonical_match_name
    from aliases_seed
),

match_names as (
    select org_match_name as match_name from commissions
    union
    select referred_by_match_name from commissions where referred_by_match_name is not null
    {% for family in ['profiles', 'patents', 'surveys', 'services', 'activities'] %}
    union
    select org_match_name from {{ family }}
    {% endfor %}
),

final as (
    select
        match_names.match_name,
        coalesce(aliases.canonical_match_name, match_names.match_name) as client_match_name,
        {{ dbt.hash('coalesce(aliases.canonical_match_name, match_names.match_name)') }} as client_id,
        aliases.alias_match_name is not null as is_alias
    from match_names
    left join aliases on match_names.match_name = aliases.alias_match_name
)

select * from final

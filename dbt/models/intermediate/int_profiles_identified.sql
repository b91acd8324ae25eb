{# R&D profiles per client and year (SPEC §2.2): the latest-loaded row wins for a client-year. #}
with

profiles as (
    select * from {{ ref('stg_profiles') }} where _reject_reason is null
),

organisations as (
    select * from {{ ref('int_organisations_resolved') }}
),

ranked as (
    select
        {{ star(ref('stg_profiles'), 'profiles', except=['_reject_reason']) }},
        organisations.client_id,
        {{ list_distinct_count('profiles.honors') }} as n_honors,
        row_number() over (
            partition by organisations.client_id, profiles.year
            order by profiles._load_id desc, profiles._row_number desc
        ) as version_rank
    from profiles
    inner join organisations on profiles.org_match_name = organisations.match_name
),

final as (
    select {{ columns_of(ref('stg_profiles'), 'ranked', except=['_reject_reason']) }}, ranked.client_id, ranked.n_honors
    from ranked where version_rank = 1
)

select * from final

{# SPEC §5 duplicate candidates, the contact evidence: pairs of organisation match names (before the
   alias seed, so a merged pair still shows here) whose usable commissions share a valid email,
   phone, username or address. A value that more than duplicate_max_sharing organisations share
   (a park's switchboard, an agent's mailbox) says nothing about identity and is left out. #}
with

commissions as (
    select * from {{ ref('int_commissions_attributed') }} where _reject_reason is null
),

contacts as (
    {% for kind in ['email', 'phone', 'username', 'address'] %}
    select distinct org_match_name as match_name, '{{ kind }}' as kind, {{ kind }} as value
    from commissions where {{ kind }} is not null
    {{ 'union all' if not loop.last }}
    {% endfor %}
),

telling as (
    select kind, value
    from contacts
    group by kind, value
    having count(*) between 2 and {{ var('duplicate_max_sharing') }}
),

final as (
    select
        contacts.match_name,
        others.match_name as other_match_name,
        contacts.kind,
        contacts.value
    from contacts
    inner join telling on contacts.kind = telling.kind and contacts.value = telling.value
    inner join contacts as others
        on contacts.kind = others.kind and contacts.value = others.value
        and contacts.match_name < others.match_name
)

select * from final

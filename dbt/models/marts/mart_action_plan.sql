{# SPEC §5 action plan (paper §3.2): the lists of mart_action_plan_listed with the client's name and
   latest searcher, as they are now (a view: a new commission changes them for every quarter). #}
{{ config(materialized='view') }}
with

listed as (
    select * from {{ ref('mart_action_plan_listed') }}
),

clients as (
    select * from {{ ref('dim_client') }}
),

final as (
    select
        listed.*,
        clients.display_name,
        clients.latest_searcher as searcher
    from listed
    inner join clients on listed.client_id = clients.client_id
)

select * from final

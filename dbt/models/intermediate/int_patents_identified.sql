{# Patents with their client (SPEC §2.3): one row per patent_no, the latest-loaded wins. Incremental
   by load, like the re-export rule (macros/new_loads.sql). #}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook=["{{ drop_keys_of_new_loads('patent_no', ref('stg_patents')) }}",
              "{{ refresh_statistics() if is_incremental() }}", "{{ without_nested_loops() }}"],
) }}
with

patents as (
    select * from {{ ref('stg_patents') }}
    where _reject_reason is null
        {%- if is_incremental() %} and {{ not_built('patent_no', 'patent_no') }}{% endif %}
),

organisations as (
    select * from {{ ref('int_organisations_resolved') }}
),

ranked as (
    select
        {{ star(ref('stg_patents'), 'patents', except=['_reject_reason']) }},
        organisations.client_id,
        row_number() over (
            partition by patents.patent_no order by patents._load_id desc, patents._row_number desc
        ) as version_rank
    from patents
    inner join organisations on patents.org_match_name = organisations.match_name
),

final as (
    select {{ columns_of(ref('stg_patents'), 'ranked', except=['_reject_reason']) }}, ranked.client_id
    from ranked where version_rank = 1
)

select * from final

{# One hash per client of everything its action plan and survey targets are computed from (SPEC §5),
   but for which quarters are planned: its own inputs (int_client_inputs_fingerprinted, which decide
   its tiers and hold its completed commissions), its years at risk, its activities, the feedback on
   its commissions, its surveys, and the name and searcher the lists show. Both marts rebuild a
   client's rows only when this hash changed (macros/changed_clients.sql); a client's rows depend on
   nothing of another client's. The at-risk years come from the outlook model, which every run fits
   again: they make this a mart, built after it. concat() reads a null as empty. #}
with

clients as (
    select * from {{ ref('dim_client') }}
),

inputs as (
    select * from {{ ref('int_client_inputs_fingerprinted') }}
),

at_risk as (
    select * from {{ ref('mart_client_outlook') }} where is_at_risk
),

activities as (
    select * from {{ ref('int_activities_identified') }}
),

feedback as (
    select * from {{ ref('int_feedback_dated') }} where client_id is not null
),

surveys as (
    select * from {{ ref('int_surveys_identified') }}
),

input_rows as (
    select client_id, concat('i~', inputs_hash) as input_row from inputs
    union all
    select client_id, concat('d~', display_name, '~', latest_searcher) as input_row from clients
    union all
    select client_id, concat('r~', year, '~', tier, '~', p_active_next_year) as input_row from at_risk
    union all
    select client_id, concat('a~', activity_type, '~', activity_date) as input_row from activities
    union all
    select
        client_id,
        concat('f~', commission_no, '~', feedback_date, '~', rating, '~', _load_id, '~', _row_number) as input_row
    from feedback
    union all
    select client_id, concat('s~', survey_date) as input_row from surveys
),

final as (
    select
        client_id,
        {{ dbt.hash(dbt.listagg('input_row', "'|'", 'order by input_row')) }} as inputs_hash
    from input_rows
    group by client_id
)

select * from final

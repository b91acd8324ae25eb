{# SPEC §5 survey targets (paper §3.3), per quarter, one row per client with every reason that
   applies: a commission completed in the quarter with no feedback; a key or potential_key client
   (by its tier in the latest closed year) not surveyed in the last 4 quarters; a client whose
   latest feedback is 不满意 and who has not been surveyed since. Incremental by client and quarter
   (macros/survey_changes.sql). #}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook=["{{ drop_changed_clients(client_input_hashes(survey_inputs()), 'inputs_hash', per_period=false) }}",
              "{{ drop_quarters_not_reached() }}",
              "{{ refresh_statistics() if is_incremental() }}", "{{ without_nested_loops() }}"],
) }}
with

commissions as (
    select * from {{ ref('int_commissions_identified') }}
),

feedback as (
    select * from {{ ref('int_feedback_dated') }}
),

surveys as (
    select * from {{ ref('int_surveys_identified') }}
),

client_years as (
    select * from {{ ref('fct_client_period') }} where grain = 'year' and tier in ('key', 'potential_key')
),

clients as (
    select * from {{ ref('dim_client') }}
),

quarters as (
    select * from {{ quarters_reached() }} as quarters
),

client_hashes as (
    select * from {{ client_input_hashes(survey_inputs()) }} as hashes
),

{# the rows to build: those of a quarter or a client this model holds none of #}
quarters_held as (
    {{ with_held_flag('quarters', 'period_key') }}
),

clients_held as (
    {{ with_held_flag('client_hashes', 'client_id') }}
),

unanswered as (
    select
        quarters.period_key,
        commissions.client_id,
        1 as reason_order,
        cast(count(*) as varchar) || ' completed commission(s) without feedback' as reason
    from quarters_held as quarters
    inner join commissions
        on commissions.status = 'completed'
        and coalesce(commissions.completed_date, commissions.commission_date)
            between quarters.start_date and quarters.end_date
    inner join clients_held on commissions.client_id = clients_held.client_id
    where not exists (select 1 from feedback where feedback.commission_no = commissions.commission_no)
        and not (quarters.is_held and clients_held.is_held)
    group by quarters.period_key, commissions.client_id
),

unsurveyed as (
    select
        quarters.period_key,
        client_years.client_id,
        2 as reason_order,
        client_years.tier || ' client not surveyed in the last {{ var("lookback_quarters") }} quarters' as reason
    from quarters_held as quarters
    inner join client_years
        on client_years.period_key = cast(extract(year from quarters.start_date) - 1 as varchar)
    inner join clients_held on client_years.client_id = clients_held.client_id
    where not (quarters.is_held and clients_held.is_held) and not exists (
        select 1 from surveys
        where surveys.client_id = client_years.client_id
            and surveys.survey_date between
                {{ dbt.dateadd('month', -3 * (var('lookback_quarters') - 1), 'quarters.start_date') }}
                and quarters.end_date
    )
),

feedback_sequence as (
    select
        client_id,
        feedback_date,
        rating,
        lead(feedback_date) over (partition by client_id order by feedback_date, _load_id, _row_number)
            as next_feedback_date
    from feedback
    where client_id is not null and feedback_date is not null
),

unsatisfied as (
    select
        quarters.period_key,
        feedback_sequence.client_id,
        3 as reason_order,
        'latest feedback 不满意 (' || cast(max(feedback_sequence.feedback_date) as varchar) || ')' as reason
    from quarters_held as quarters
    inner join feedback_sequence
        on feedback_sequence.rating = 0
        and feedback_sequence.feedback_date <= quarters.end_date
        and (feedback_sequence.next_feedback_date is null or feedback_sequence.next_feedback_date > quarters.end_date)
    inner join clients_held on feedback_sequence.client_id = clients_held.client_id
    where not (quarters.is_held and clients_held.is_held) and not exists (
        select 1 from surveys
        where surveys.client_id = feedback_sequence.client_id
            and surveys.survey_date between feedback_sequence.feedback_date and quarters.end_date
    )
    group by quarters.period_key, feedback_sequence.client_id
),

reasons as (
    select * from unanswered
    union all
    select * from unsurveyed
    union all
    select * from unsatisfied
),

final as (
    select
        reasons.period_key,
        reasons.client_id,
        {{ dbt.listagg('reasons.reason', "'; '", 'order by reasons.reason_order') }} as reason,
        clients.display_name,
        clients.latest_searcher as searcher,
        client_hashes.inputs_hash as _inputs_hash
    from reasons
    inner join clients on reasons.client_id = clients.client_id
    inner join client_hashes on reasons.client_id = client_hashes.client_id
    group by reasons.period_key, reasons.client_id, clients.display_name, clients.latest_searcher,
        client_hashes.inputs_hash
)

select * from final

{# mart_action_plan for BI tools. The select list is the PII allow-list (SPEC §7): add a column only if it
   is no contact name, username, email, phone, address, postcode, respondent or free text. #}
with

mart_action_plan as (
    select * from {{ ref('mart_action_plan') }}
),

final as (
    select
        period_key,
        as_of_date,
        client_id,
        action,
        strategy_action,
        action_zh,
        reason,
        tier,
        origin_period_key,
        due_date,
        done,
        done_date,
        is_overdue,
        status,
        display_name,
        searcher
    from mart_action_plan
)

select * from final

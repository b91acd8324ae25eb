{# Report feedback with its commission's client, dated (SPEC §2.4: the commission's
   completed_date when the feedback has no date of its own). Feedback on a commission the
   warehouse does not know keeps a null client_id. #}
with

feedback as (
    select * from {{ ref('stg_feedback') }} where _reject_reason is null
),

commissions as (
    select * from {{ ref('int_commissions_identified') }}
),

final as (
    select
        {{ star(ref('stg_feedback'), 'feedback', except=['_reject_reason', 'feedback_date']) }},
        coalesce(feedback.feedback_date, commissions.completed_date) as feedback_date,
        feedback.feedback_date is null as is_date_from_commission,
        commissions.client_id
    from feedback
    left join commissions on feedback.commission_no = commissions.commission_no
)

select * from final

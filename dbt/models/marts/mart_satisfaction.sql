{# SPEC §5 satisfaction per period: CSAT is the mean report-feedback rating (1 满意, 0.5 基本满意,
   0 不满意); survey means of experience, quality and attitude; NPS = % promoters - % detractors
   of the recommend score. Periods with any feedback or survey. #}
with

periods as (
    select * from {{ ref('int_periods_spined') }}
),

feedback as (
    select * from {{ ref('int_feedback_dated') }}
),

surveys as (
    select * from {{ ref('int_surveys_identified') }}
),

feedback_by_period as (
    select periods.grain, periods.period_key, avg(feedback.rating) as csat, count(*) as n_feedback
    from periods
    inner join feedback on feedback.feedback_date between periods.start_date and periods.end_date
    group by periods.grain, periods.period_key
),

surveys_by_period as (
    select
        periods.grain,
        periods.period_key,
        avg(surveys.experience) as experience,
        avg(surveys.quality) as quality,
        avg(surveys.attitude) as attitude,
        100.0 * (
            count(*) filter (where surveys.recommend >= {{ var('nps_promoter_min') }})
            - count(*) filter (where surveys.recommend <= {{ var('nps_detractor_max') }})
        ) / nullif(count(surveys.recommend), 0) as nps,
        count(*) as n_responses
    from periods
    inner join surveys on surveys.survey_date between periods.start_date and periods.end_date
    group by periods.grain, periods.period_key
),

final as (
    select
        periods.grain,
        periods.period_key,
        feedback_by_period.csat,
        surveys_by_period.experience,
        surveys_by_period.quality,
        surveys_by_period.attitude,
        surveys_by_period.nps,
        coalesce(surveys_by_period.n_responses, 0) as n_responses,
        coalesce(feedback_by_period.n_feedback, 0) as n_feedback,
        periods.start_date
    from periods
    left join feedback_by_period
        on periods.grain = feedback_by_period.grain and periods.period_key = feedback_by_period.period_key
    left join surveys_by_period
        on periods.grain = surveys_by_period.grain and periods.period_key = surveys_by_period.period_key
    where feedback_by_period.n_feedback is not null or surveys_by_period.n_responses is not null
)

select * from final

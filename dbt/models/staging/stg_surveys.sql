{# Every raw quarterly-survey row, typed (SPEC §2.5). #}
with

source as (
    {{ live_rows('surveys') }}
),

cleaned as (
    select
        {{ trimmed('org_name') }} as org_name,
        {{ clean_text('org_name') }} as org_name_nfkc,
        {{ clean_text('survey_date') }} as survey_date,
        {{ clean_text('experience') }} as experience,
        {{ clean_text('quality') }} as quality,
        {{ clean_text('attitude') }} as attitude,
        {{ clean_text('recommend') }} as recommend,
        {{ trimmed('respondent') }} as respondent,
        {{ trimmed('comment') }} as comment,
        _file,
        _row_number,
        _load_id,
        _ingest_error
    from source
),

parsed as (
    select
        org_name,
        {{ match_name('org_name_nfkc') }} as org_match_name,
        {{ parse_date('survey_date') }} as survey_date,
        {{ parse_score('experience', 1, 5) }} as experience,
        {{ parse_score('quality', 1, 5) }} as quality,
        {{ parse_score('attitude', 1, 5) }} as attitude,
        {{ parse_score('recommend', 0, 10) }} as recommend,
        respondent,
        comment,
        survey_date as survey_date_text,
        _file,
        _row_number,
        _load_id,
        _ingest_error
    from cleaned
),

final as (
    select
        org_name,
        org_match_name,
        survey_date,
        experience,
        quality,
        attitude,
        recommend,
        respondent,
        comment,
        _file,
        _row_number,
        _load_id,
        _ingest_error,
        {{ first_problem([
            ('_ingest_error is not null', '_ingest_error'),
            ('org_match_name is null', "'org_name is missing'"),
            ('survey_date is null', unusable('survey_date', 'survey_date_text', 'a date')),
        ]) }} as _reject_reason
    from parsed
)

select * from final

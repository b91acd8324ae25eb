{# Every raw report-feedback row, typed (SPEC §2.4). The default feedback date (the commission's
   completed_date) needs a join, so it is applied downstream, not here. #}
with

source as (
    {{ live_rows('feedback') }}
),

cleaned as (
    select
        {{ clean_text('commission_no') }} as commission_no,
        {{ clean_text('rating') }} as rating,
        {{ clean_text('feedback_date') }} as feedback_date,
        {{ clean_text('channel') }} as channel,
        {{ trimmed('comment') }} as comment,
        _file,
        _row_number,
        _load_id,
        _ingest_error
    from source
),

parsed as (
    select
        {{ commission_key('commission_no') }} as commission_no,
        {{ parse_satisfaction('rating') }} as rating,
        {{ parse_date('feedback_date') }} as feedback_date,
        {{ classify_channel('channel') }} as channel,
        comment,
        rating as rating_text,
        _file,
        _row_number,
        _load_id,
        _ingest_error
    from cleaned
),

final as (
    select
        commission_no,
        rating,
        feedback_date,
        channel,
        comment,
        _file,
        _row_number,
        _load_id,
        _ingest_error,
        {{ first_problem([
            ('_ingest_error is not null', '_ingest_error'),
            ('commission_no is null', "'commission_no is missing'"),
            ('rating is null', unusable('rating', 'rating_text', 'a rating (满意, 基本满意, 不满意)')),
        ]) }} as _reject_reason
    from parsed
)

select * from final

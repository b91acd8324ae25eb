{# Every raw client-relationship activity row, typed (SPEC §2.7). #}
with

source as (
    {{ live_rows('activities') }}
),

cleaned as (
    select
        {{ clean_text('activity_date') }} as activity_date,
        {{ trimmed('org_name') }} as org_name,
        {{ clean_text('org_name') }} as org_name_nfkc,
        {{ clean_text('activity_type') }} as activity_type,
        {{ trimmed('staff') }} as staff,
        {{ trimmed('note') }} as note,
        _file,
        _row_number,
        _load_id,
        _ingest_error
    from source
),

parsed as (
    select
        {{ parse_date('activity_date') }} as activity_date,
        org_name,
        {{ match_name('org_name_nfkc') }} as org_match_name,
        {{ classify_activity_type('activity_type') }} as activity_type,
        staff,
        note,
        activity_date as activity_date_text,
        activity_type as activity_type_text,
        _file,
        _row_number,
        _load_id,
        _ingest_error
    from cleaned
),

final as (
    select
        activity_date,
        org_name,
        org_match_name,
        activity_type,
        staff,
        note,
        _file,
        _row_number,
        _load_id,
        _ingest_error,
        {{ first_problem([
            ('_ingest_error is not null', '_ingest_error'),
            ('activity_date is null', unusable('activity_date', 'activity_date_text', 'a date')),
            ('org_match_name is null', "'org_name is missing'"),
            ('activity_type is null', unusable('activity_type', 'activity_type_text', 'an activity type (回访, 培训, 产品推送, 节日问候, 签约, 调查)')),
        ]) }} as _reject_reason
    from parsed
)

select * from final

{# Every raw patent row, typed (SPEC §2.3). #}
with

source as (
    {{ live_rows('patents') }}
),

cleaned as (
    select
        {{ clean_text('patent_no') }} as patent_no,
        {{ trimmed('org_name') }} as org_name,
        {{ clean_text('org_name') }} as org_name_nfkc,
        {{ clean_text('patent_type') }} as patent_type,
        {{ clean_text('filed_date') }} as filed_date,
        {{ clean_text('legal_status') }} as legal_status,
        {{ clean_text('granted_date') }} as granted_date,
        _file,
        _row_number,
        _load_id,
        _ingest_error
    from source
),

parsed as (
    select
        upper(patent_no) as patent_no,
        org_name,
        {{ match_name('org_name_nfkc') }} as org_match_name,
        {{ classify_patent_type('patent_type') }} as patent_type,
        {{ parse_date('filed_date') }} as filed_date,
        {{ classify_legal_status('legal_status') }} as legal_status,
        {{ parse_date('granted_date') }} as granted_date,
        patent_type as patent_type_text,
        filed_date as filed_date_text,
        _file,
        _row_number,
        _load_id,
        _ingest_error
    from cleaned
),

final as (
    select
        patent_no,
        org_name,
        org_match_name,
        patent_type,
        filed_date,
        legal_status,
        granted_date,
        _file,
        _row_number,
        _load_id,
        _ingest_error,
        {{ first_problem([
            ('_ingest_error is not null', '_ingest_error'),
            ('patent_no is null', "'patent_no is missing'"),
            ('org_match_name is null', "'org_name is missing'"),
            ('patent_type is null', unusable('patent_type', 'patent_type_text', 'a patent type (发明, 实用新型, 外观设计)')),
            ('filed_date is null', unusable('filed_date', 'filed_date_text', 'a date')),
        ]) }} as _reject_reason
    from parsed
)

select * from final

{# Every raw commission row typed and classified (SPEC §2.1, §2.8). `_reject_reason` says why a row
   cannot be used; such rows go no further than quarantine.rejected_rows. #}
with

source as (
    {{ live_rows('commissions') }}
),

cleaned as (
    select
        {{ clean_text('commission_no') }} as commission_no,
        {{ trimmed('title_zh') }} as title_zh,
        {{ trimmed('title_en') }} as title_en,
        {{ clean_text('scope') }} as scope,
        {{ clean_text('purpose') }} as purpose,
        {{ clean_text('fee') }} as fee,
        {{ trimmed('industry') }} as industry,
        {{ trimmed('subject') }} as subject,
        {{ clean_text('nature') }} as nature,
        {{ trimmed('enterprise_type') }} as enterprise_type,
        {{ trimmed('park') }} as park,
        {{ trimmed('contact_name') }} as contact_name,
        {{ trimmed('username') }} as username,
        {{ clean_text('commission_date') }} as commission_date,
        {{ trimmed('org_name') }} as org_name,
        {{ clean_text('org_name') }} as org_name_nfkc,
        {{ trimmed('address') }} as address,
        {{ clean_text('postcode') }} as postcode,
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        {{ trimmed('searcher') }} as searcher,
        {{ clean_text('status') }} as status,
        {{ clean_text('completed_date') }} as completed_date,
        {{ clean_text('recognition') }} as recognition,
        {{ clean_text('cooperation') }} as cooperation,
        {{ clean_text('referred_by') }} as referred_by,
        _file,
        _row_number,
        _load_id,
        _ingest_error
    from source
),

parsed as (
    select
        {{ commission_key('commission_no') }} as commission_no,
        title_zh,
        title_en,
        {{ classify_scope('scope') }} as scope,
        {{ classify_purpose('purpose') }} as purpose,
        {{ parse_fee('fee') }} as fee,
        industry,
        subject,
        {{ classify_nature('nature') }} as nature,
        enterprise_type,
        park,
        contact_name,
        username,
        {{ parse_date('commission_date') }} as commission_date,
        org_name,
        {{ match_name('org_name_nfkc') }} as org_match_name,
        address,
        {{ parse_postcode('postcode') }} as postcode,
        {{ parse_email('email') }} as email,
        {{ parse_phone('phone') }} as phone,
        searcher,
        {{ classify_status('status') }} as status,
        {{ parse_date('completed_date') }} as completed_date,
        {{ parse_rating('recognition') }} as recognition,
        {{ parse_rating('cooperation') }} as cooperation,
        referred_by,
        {{ match_name('referred_by') }} as referred_by_match_name,
        commission_date as commission_date_text,
        _file,
        _row_number,
        _load_id,
        _ingest_error
    from cleaned
),

final as (
    select
        commission_no,
        title_zh,
        title_en,
        scope,
        purpose,
        fee,
        industry,
        subject,
        nature,
        enterprise_type,
        park,
        contact_name,
        username,
        commission_date,
        org_name,
        org_match_name,
        address,
        postcode,
        email,
        phone,
        searcher,
        status,
        completed_date,
        recognition,
        cooperation,
        referred_by,
        referred_by_match_name,
        _file,
        _row_number,
        _load_id,
        _ingest_error,
        {{ first_problem([
            ('_ingest_error is not null', '_ingest_error'),
            ('commission_no is null', "'commission_no is missing'"),
            ('commission_date is null', unusable('commission_date', 'commission_date_text', 'a date')),
            ('nature is null', "'nature is missing'"),
        ]) }} as _reject_reason
    from parsed
)

select * from final

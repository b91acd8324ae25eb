{# Every raw R&D profile row, typed (SPEC §2.2): one enterprise per statistics year. #}
with

source as (
    {{ live_rows('profiles') }}
),

cleaned as (
    select
        {{ trimmed('org_name') }} as org_name,
        {{ clean_text('org_name') }} as org_name_nfkc,
        {{ clean_text('year') }} as year,
        {{ trimmed('park') }} as park,
        {{ trimmed('enterprise_type') }} as enterprise_type,
        {{ trimmed('contact_name') }} as contact_name,
        {{ clean_text('talents') }} as talents,
        {{ clean_text('honors') }} as honors,
        {{ trimmed('industry') }} as industry,
        {{ trimmed('core_technology') }} as core_technology,
        {{ trimmed('core_product') }} as core_product,
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
        {{ parse_year('year') }} as year,
        park,
        enterprise_type,
        contact_name,
        {{ parse_count('talents') }} as talents,
        {{ split_list('honors') }} as honors,
        industry,
        core_technology,
        core_product,
        year as year_text,
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
        year,
        park,
        enterprise_type,
        contact_name,
        talents,
        honors,
        industry,
        core_technology,
        core_product,
        _file,
        _row_number,
        _load_id,
        _ingest_error,
        {{ first_problem([
            ('_ingest_error is not null', '_ingest_error'),
            ('org_match_name is null', "'org_name is missing'"),
            ('year is null', unusable('year', 'year_text', 'a year')),
        ]) }} as _reject_reason
    from parsed
)

select * from final

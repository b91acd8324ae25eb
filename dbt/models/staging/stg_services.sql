{# Every raw value-added-service row, typed (SPEC §2.6); products split into a list. #}
with

source as (
    {{ live_rows('services') }}
),

cleaned as (
    select
        {{ trimmed('org_name') }} as org_name,
        {{ clean_text('org_name') }} as org_name_nfkc,
        {{ trimmed('project') }} as project,
        {{ clean_text('products') }} as products,
        {{ clean_text('start_date') }} as start_date,
        {{ clean_text('end_date') }} as end_date,
        {{ clean_text('fee') }} as fee,
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
        project,
        {{ split_list('products') }} as products,
        {{ parse_date('start_date') }} as start_date,
        {{ parse_date('end_date') }} as end_date,
        {{ parse_fee('fee') }} as fee,
        start_date as start_date_text,
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
        project,
        products,
        start_date,
        end_date,
        fee,
        _file,
        _row_number,
        _load_id,
        _ingest_error,
        {{ first_problem([
            ('_ingest_error is not null', '_ingest_error'),
            ('org_match_name is null', "'org_name is missing'"),
            ('project is null', "'project is missing'"),
            (list_length('products') ~ ' = 0 or products is null', "'products is missing'"),
            ('start_date is null', unusable('start_date', 'start_date_text', 'a date')),
        ]) }} as _reject_reason
    from parsed
)

select * from final

{# The ledger of ingested files, published so that readers (and the inbox sensor) learn what is
   loaded without opening the working file. File names and hashes only: no PII. #}
with

ingested_files as (
    select * from {{ source('raw', 'ingested_files') }}
),

final as (
    select
        load_id,
        file,
        sha256,
        family,
        encoding,
        status,
        reason,
        rows,
        ingested_at
    from ingested_files
)

select * from final

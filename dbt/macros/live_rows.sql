{# The rows of a raw family that are live (SPEC §2): a file saved over an earlier one retires the
   earlier version's rows, in every family. The ledger row of the new version names the load it
   replaces (raw.ingested_files.replaces_load_id); retired loads stay in raw for lineage. #}
{% macro live_rows(family) -%}
    select family_rows.*
    from {{ source('raw', family) }} as family_rows
    where family_rows._load_id not in (
        select ledger.replaces_load_id
        from {{ source('raw', 'ingested_files') }} as ledger
        where ledger.replaces_load_id is not null
    )
{%- endmacro %}

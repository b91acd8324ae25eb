{# The rows of a raw family that are live (SPEC §2): a file saved over an earlier one retires the
   earlier version's rows, in every family. The ledger row of the new version names the load it
   replaces (raw.ingested_files.replaces_load_id); retired loads stay in raw for lineage.

   Staging is incremental by load: load ids grow with each file, so a run adds only the rows of the
   loads newer than any it holds (and drop_retired_loads removes the retired ones). #}
{% macro live_rows(family) -%}
    select family_rows.*
    from {{ source('raw', family) }} as family_rows
    where family_rows._load_id not in (
        select ledger.replaces_load_id
        from {{ source('raw', 'ingested_files') }} as ledger
        where ledger.replaces_load_id is not null
    )
    {%- if is_incremental() %}
        and family_rows._load_id > (select coalesce(max(_load_id), 0) from {{ this }})
    {%- endif %}
{%- endmacro %}


{# Staging's pre-hook: the rows of loads that a later version of their file retired leave staging. #}
{% macro drop_retired_loads() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where _load_id in (
        select replaces_load_id from {{ source('raw', 'ingested_files') }} where replaces_load_id is not null
    )
    {%- endif -%}
{%- endmacro %}

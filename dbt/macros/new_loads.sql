{# The re-export rule and client identity are incremental by load (SPEC §8: a new quarter re-runs
   only what it touches). Such a model keeps one row per key (a commission_no, a patent_no), and a
   key's row depends only on the staged rows of that key: the loads after the last build
   (meta.last_build, the record the previous run's commit wrote) are the new ones. An incremental
   run first deletes the rows of every key those loads hold (the pre-hook), then builds the keys it
   no longer holds, from every version of them.

   A file saved over an earlier version retires that version's rows (live_rows.sql). What they were
   is gone from staging, so a retirement since the last build deletes every row and the model is
   rebuilt whole: files saved over are rare, and this keeps the rule simple. #}
{% macro drop_keys_of_new_loads(key, staged, condition=none) -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where {{ key }} in (select {{ key }} from {{ staged }} where _load_id > {{ last_built_load() }})
        {%- if condition %}
        or ({{ condition }})
        {%- endif %}
        or {{ loads_retired_since_last_build() }}
    {%- endif -%}
{%- endmacro %}


{# The commissions whose organisation came from their username (SPEC §3), or from nobody: their
   row changes when any new load brings a commission of the same username. #}
{% macro organisation_from_new_username() -%}
    (is_org_from_username or org_match_name is null)
    and username in (
        select username from {{ ref('stg_commissions') }}
        where _load_id > {{ last_built_load() }} and username is not null
    )
{%- endmacro %}


{# The last load the previous build read; none recorded (a warehouse no run has committed yet) counts
   every load as new. #}
{% macro last_built_load() -%}
    {%- set record = adapter.get_relation(database=this.database, schema='meta', identifier='last_build') -%}
    {%- if record is none -%}
    -1
    {%- else -%}
    (select max(max_load_id) from {{ record }})
    {%- endif -%}
{%- endmacro %}


{% macro loads_retired_since_last_build() -%}
    exists (
        select 1 from {{ source('raw', 'ingested_files') }} as ledger
        where ledger.load_id > {{ last_built_load() }} and ledger.replaces_load_id is not null
    )
{%- endmacro %}

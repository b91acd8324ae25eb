{# The per-period facts are incremental by client (SPEC §8: a new quarter re-runs only what it
   touches). A client's per-period rows depend on its own inputs only, hashed in
   int_client_inputs_fingerprinted; each fact row keeps the hash it was built from (_inputs_hash).
   An incremental run first deletes the rows whose client's hash changed or whose client is gone
   (the pre-hook), then builds the rows of every client it no longer holds.

   A run of chosen periods (var `periods`: the Dagster partitions of a re-run or a backfill, or
   `chaxin run --periods`) also deletes and rebuilds those periods, and the periods that follow
   them (their transition reads the previous period's tier), for every client. #}
{% macro drop_changed_clients(built_from, hash_column) -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where concat(client_id, '~', _inputs_hash) not in (
        select concat(client_id, '~', {{ hash_column }}) from {{ built_from }}
    )
    {%- if var('periods', []) %}
    or period_key in {{ rebuilt_periods() }}
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{# The condition, for the import CTE of a per-client input: only the clients this model lacks
   (every client when chosen periods are rebuilt; rows_to_build keeps theirs). #}
{% macro clients_to_build(client_column) -%}
    {%- if is_incremental() and not var('periods', []) -%}
    {{ client_column }} not in (select client_id from {{ this }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}


{# The condition on the built rows: what this model lacks, by client or by chosen period. #}
{% macro rows_to_build(client_column, period_column) -%}
    {%- if is_incremental() and var('periods', []) -%}
    ({{ client_column }} not in (select client_id from {{ this }}) or {{ period_column }} in {{ rebuilt_periods() }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}


{# The chosen periods and the one after each, of the same grain. #}
{% macro rebuilt_periods() -%}
    {%- set keys = "'" ~ var('periods') | join("', '") ~ "'" -%}
    (select period_key from {{ ref('int_periods_spined') }}
     where period_key in ({{ keys }}) or previous_period_key in ({{ keys }}))
{%- endmacro %}

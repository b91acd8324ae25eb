{# The per-period facts are incremental by client (SPEC §8: a new quarter re-runs only what it
   touches). A client's per-period rows depend on its own inputs only, hashed in
   int_client_inputs_fingerprinted; each fact row keeps the hash it was built from (_inputs_hash).
   An incremental run first deletes the rows whose client's hash changed or whose client is gone
   (the pre-hook), then builds the rows of every client it no longer holds. #}
{% macro drop_changed_clients(built_from, hash_column) -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where concat(client_id, '~', _inputs_hash) not in (
        select concat(client_id, '~', {{ hash_column }}) from {{ built_from }}
    )
    {%- endif -%}
{%- endmacro %}


{# The condition, for the import CTE of a per-client input: only the clients this model lacks. #}
{% macro clients_to_build(client_column) -%}
    {%- if is_incremental() -%}
    {{ client_column }} not in (select client_id from {{ this }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

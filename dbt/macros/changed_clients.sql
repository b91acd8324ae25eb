{# The per-period facts are incremental by client (SPEC §8: a new quarter re-runs only what it
   touches). A client's per-period rows depend on its own inputs only, hashed in
   int_client_inputs_fingerprinted; each fact row keeps the hash it was built from (_inputs_hash).
   An incremental run first deletes the rows whose client's hash changed or whose client is gone
   (the pre-hook), then builds the rows of every client it no longer holds.

   A run of chosen periods (var `periods`: the Dagster partitions of a re-run or a backfill, or
   `chaxin run --periods`) also deletes and rebuilds those periods, and the periods that follow
   them (their transition reads the previous period's tier), for every client.

   The models by client that are not per period (below) use the same pre-hook with per_period false
   and their own hash column. #}
{% macro drop_changed_clients(built_from, hash_column, built_column='_inputs_hash', per_period=true) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as built
    where not exists (
        select 1 from {{ built_from }} as source
        where source.client_id = built.client_id and source.{{ hash_column }} = built.{{ built_column }}
    )
    {%- if per_period and var('periods', []) %}
    or period_key in {{ rebuilt_periods() }}
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{# Models of one row per client, or per client and period, that read several of a client's inputs
   keep on each row a hash of what it was built from, and rebuild a client when its hash changed or
   the client is gone (drop_changed_clients, per_period false), then build the clients they no
   longer hold:
   - int_clients_described, from the client's commission rows: _rows_hash (client_rows_hashes);
   - the outlook's features and the survey targets, from several inputs: _inputs_hash
     (client_input_hashes). #}


{# Per client, a hash of its whole rows of `relation` (row_set_hash): any row added, gone or changed changes it. #}
{% macro client_rows_hashes(relation) -%}
    (
        select client_id, {{ row_set_hash('client_rows') }} as inputs_hash
        from {{ relation }} as client_rows
        where client_id is not null
        group by client_id
    )
{%- endmacro %}


{# Per client (those with commissions), one hash of the named inputs' fingerprints: fingerprint,
   int_client_inputs_fingerprinted (commissions counted, attributes, profiles, patents: its tiers
   and points); commissions, every commission row (int_clients_described._rows_hash); feedback and
   surveys, their rows. #}
{% macro client_input_hashes(inputs) -%}
    (
        select
            clients.client_id,
            {{ hash_of_values(['fingerprints.inputs_hash' if 'fingerprint' in inputs else none,
                               'clients._rows_hash' if 'commissions' in inputs else none,
                               'feedback.inputs_hash' if 'feedback' in inputs else none,
                               'surveys.inputs_hash' if 'surveys' in inputs else none] | reject('none') | list) }}
                as inputs_hash
        from {{ ref('int_clients_described') }} as clients
        {%- if 'fingerprint' in inputs %}
        left join {{ ref('int_client_inputs_fingerprinted') }} as fingerprints on clients.client_id = fingerprints.client_id
        {%- endif %}
        {%- for family, model in [('feedback', 'int_feedback_dated'), ('surveys', 'int_surveys_identified')]
            if family in inputs %}
        left join {{ client_rows_hashes(ref(model)) }} as {{ family }} on clients.client_id = {{ family }}.client_id
        {%- endfor %}
    )
{%- endmacro %}


{# `relation`'s rows with is_held: whether this model holds rows of the row's `key` (a client, a year,
   a quarter); none on a full build. A mart incremental by client and period lacks the rows of each
   client and each period it holds none of. #}
{% macro with_held_flag(relation, key) -%}
    select candidates.*, {{ 'built.' ~ key ~ ' is not null' if is_incremental() else 'false' }} as is_held
    from {{ relation }} as candidates
    {%- if is_incremental() %}
    left join (select distinct {{ key }} from {{ this }}) as built on candidates.{{ key }} = built.{{ key }}
    {%- endif %}
{%- endmacro %}


{# The condition, for the import CTE of a per-client input: only the clients this model lacks
   (every client when chosen periods are rebuilt; rows_to_build keeps theirs). #}
{% macro clients_to_build(client_column) -%}
    {%- if is_incremental() and not var('periods', []) -%}
    {{ not_built(client_column) }}
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}


{# The condition on the built rows: what this model lacks, by client or by chosen period. #}
{% macro rows_to_build(client_column, period_column) -%}
    {%- if is_incremental() and var('periods', []) -%}
    ({{ not_built(client_column) }} or {{ period_column }} in {{ rebuilt_periods() }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}


{# `column not in (select key from this)`, written as an anti-join: PostgreSQL runs NOT IN
   over a subquery too big for work_mem as a scan of it per row (a new quarter at 100 k commissions
   sat in one such query for over 20 minutes), NOT EXISTS as a hash anti-join, like DuckDB. The inner
   column is renamed so that the caller's bare column name reaches the outer row. (The keys are never
   null here, where the two spellings would differ.) #}
{% macro not_built(column, key='client_id') -%}
    not exists (
        select 1 from (select {{ key }} as built_key from {{ this }}) as built
        where built.built_key = {{ column }}
    )
{%- endmacro %}


{# The chosen periods and the one after each, of the same grain. #}
{% macro rebuilt_periods() -%}
    {%- set keys = "'" ~ var('periods') | join("', '") ~ "'" -%}
    (select period_key from {{ ref('int_periods_spined') }}
     where period_key in ({{ keys }}) or previous_period_key in ({{ keys }}))
{%- endmacro %}

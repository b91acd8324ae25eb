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
    delete from {{ this }} as built
    where not exists (
        select 1 from {{ built_from }} as source
        where source.client_id = built.client_id and source.{{ hash_column }} = built._inputs_hash
    )
    {%- if var('periods', []) %}
    or period_key in {{ rebuilt_periods() }}
    {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{# A model of one row per client computed from that client's rows of one model alone
   (int_clients_described, from its commissions) is incremental by client without a fingerprint
   model: each row keeps the row_set_hash of the client rows it was built from (_rows_hash). The
   pre-hook deletes the clients whose rows' hash changed or who are gone; the model then builds the
   clients it no longer holds (not_built). Chosen periods change nothing here. #}
{% macro drop_clients_with_changed_rows(client_rows) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as built
    where not exists (
        select 1 from (
            select client_id, {{ row_set_hash('client_rows') }} as rows_hash
            from {{ client_rows }} as client_rows
            group by client_id
        ) as source
        where source.client_id = built.client_id and source.rows_hash = built._rows_hash
    )
    {%- endif -%}
{%- endmacro %}


{# A mart over several of a client's inputs (the outlook's features, the survey targets) keeps on each
   row one hash of them all (_inputs_hash): per client, the hash of the named inputs' fingerprints,
   fingerprint: int_client_inputs_fingerprinted (commissions counted, attributes, profiles, patents:
   its tiers and points); commissions: every commission row (int_clients_described); feedback and
   surveys: their rows. The clients are those with commissions. #}
{% macro client_input_hashes(inputs) -%}
    (
        select
            clients.client_id,
            {{ hash_of_values(['fingerprints.inputs_hash' if 'fingerprint' in inputs else none,
                               'clients._rows_hash' if 'commissions' in inputs else none,
                               'feedback.rows_hash' if 'feedback' in inputs else none,
                               'surveys.rows_hash' if 'surveys' in inputs else none] | reject('none') | list) }}
                as inputs_hash
        from {{ ref('int_clients_described') }} as clients
        {%- if 'fingerprint' in inputs %}
        left join {{ ref('int_client_inputs_fingerprinted') }} as fingerprints on clients.client_id = fingerprints.client_id
        {%- endif %}
        {%- for family, model in [('feedback', 'int_feedback_dated'), ('surveys', 'int_surveys_identified')]
            if family in inputs %}
        left join (
            select client_id, {{ row_set_hash('family_rows') }} as rows_hash
            from {{ ref(model) }} as family_rows
            where client_id is not null
            group by client_id
        ) as {{ family }} on clients.client_id = {{ family }}.client_id
        {%- endfor %}
    )
{%- endmacro %}


{% macro drop_rows_of_clients_with_changed_inputs(inputs) -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as built
    where not exists (
        select 1 from {{ client_input_hashes(inputs) }} as source
        where source.client_id = built.client_id and source.inputs_hash = built._inputs_hash
    )
    {%- endif -%}
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

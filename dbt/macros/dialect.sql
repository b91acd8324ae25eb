{# The few things DuckDB and PostgreSQL spell differently (SPEC §7 targets: one dbt project on
   both). Each is an adapter.dispatch macro: duckdb__ keeps DuckDB's own function, postgres__ (or
   default__) is the PostgreSQL 13+ equivalent. The models call these, never a dialect directly. #}

{# True when the whole of text matches the pattern (a regex literal without quotes). #}
{% macro regexp_full_match(text, pattern) %}{{ return(adapter.dispatch('regexp_full_match')(text, pattern)) }}{% endmacro %}
{% macro duckdb__regexp_full_match(text, pattern) %}regexp_full_match({{ text }}, '{{ pattern }}'){% endmacro %}
{% macro default__regexp_full_match(text, pattern) %}({{ text }} ~ '^(?:{{ pattern }})$'){% endmacro %}

{# The first group of the first match, or '' when nothing matches (DuckDB's regexp_extract). #}
{% macro regexp_group(text, pattern) %}{{ return(adapter.dispatch('regexp_group')(text, pattern)) }}{% endmacro %}
{% macro duckdb__regexp_group(text, pattern) %}regexp_extract({{ text }}, '{{ pattern }}', 1){% endmacro %}
{% macro default__regexp_group(text, pattern) %}coalesce(substring({{ text }} from '{{ pattern }}'), ''){% endmacro %}

{# Text without the spaces around it: DuckDB's trim() takes every Unicode space separator (category
   Zs: the ideographic space U+3000, no-break spaces...), PostgreSQL's only U+0020 unless told. #}
{% macro trim_spaces(text) %}{{ return(adapter.dispatch('trim_spaces')(text)) }}{% endmacro %}
{% macro duckdb__trim_spaces(text) %}trim({{ text }}){% endmacro %}
{% macro default__trim_spaces(text) -%}
    trim(both U&' \00A0\1680\2000\2001\2002\2003\2004\2005\2006\2007\2008\2009\200A\202F\205F\3000' from {{ text }})
{%- endmacro %}

{# A double as DuckDB writes it: 3.0, 67.5 (PostgreSQL writes 3 for 3.0). #}
{% macro float_text(number) %}{{ return(adapter.dispatch('float_text')(number)) }}{% endmacro %}
{% macro duckdb__float_text(number) %}cast({{ number }} as varchar){% endmacro %}
{% macro default__float_text(number) -%}
    case when {{ number }} = trunc({{ number }}) and abs({{ number }}) < 1e15
        then cast(cast({{ number }} as bigint) as varchar) || '.0' else cast({{ number }} as varchar) end
{%- endmacro %}

{# A date from year, month and day written in digits; null when there is no such day (2008-02-30). #}
{% macro date_from_digits(year, month, day) %}{{ return(adapter.dispatch('date_from_digits')(year, month, day)) }}{% endmacro %}
{% macro duckdb__date_from_digits(year, month, day) -%}
    cast(try_strptime({{ year }} || '-' || {{ month }} || '-' || {{ day }}, '%Y-%m-%d') as date)
{%- endmacro %}
{# make_date raises on an impossible day: the nested case checks first (its branches are lazy). #}
{% macro default__date_from_digits(year, month, day) -%}
    case when cast({{ month }} as integer) between 1 and 12 and cast({{ year }} as integer) >= 1 then
        case when cast({{ day }} as integer) between 1 and extract(day from
                make_date(cast({{ year }} as integer), cast({{ month }} as integer), 1)
                + interval '1 month' - interval '1 day')
            then make_date(cast({{ year }} as integer), cast({{ month }} as integer), cast({{ day }} as integer))
        end
    end
{%- endmacro %}

{# An aggregate: a fingerprint of a multiset of values, the sum of each one's 64-bit hash (no sort,
   no string built, unlike an md5 of a listagg). A value is a text or a whole row (the alias of the
   table or CTE it comes from). #}
{% macro row_set_hash(value) %}{{ return(adapter.dispatch('row_set_hash')(value)) }}{% endmacro %}
{% macro duckdb__row_set_hash(value) %}sum(hash({{ value }})){% endmacro %}
{% macro default__row_set_hash(value) %}sum(hashtextextended(cast({{ value }} as text), 0)){% endmacro %}

{# One hash of a few values (hashes, say), a null different from any value. #}
{% macro hash_of_values(values) %}{{ return(adapter.dispatch('hash_of_values')(values)) }}{% endmacro %}
{% macro duckdb__hash_of_values(values) %}hash({{ values | join(', ') }}){% endmacro %}
{% macro default__hash_of_values(values) -%}
    hashtextextended(concat({% for value in values %}coalesce(cast({{ value }} as text), 'null'){{ ", '~', " if not loop.last }}{% endfor %}), 0)
{%- endmacro %}

{# A text cell split on a separator pattern into a list of trimmed, non-empty items; null stays null. #}
{% macro split_trimmed(text, separators) %}{{ return(adapter.dispatch('split_trimmed')(text, separators)) }}{% endmacro %}
{% macro duckdb__split_trimmed(text, separators) -%}
    list_filter(
        list_transform(regexp_split_to_array({{ text }}, '{{ separators }}'), lambda item: trim(item)),
        lambda item: item <> ''
    )
{%- endmacro %}
{% macro default__split_trimmed(text, separators) -%}
    case when {{ text }} is not null then array(
        select {{ trim_spaces('item') }}
        from unnest(regexp_split_to_array({{ text }}, '{{ separators }}')) with ordinality as items (item, position)
        where {{ trim_spaces('item') }} <> ''
        order by position
    ) end
{%- endmacro %}

{# How many items a list has (null for a null list). #}
{% macro list_length(list) %}{{ return(adapter.dispatch('list_length')(list)) }}{% endmacro %}
{% macro duckdb__list_length(list) %}len({{ list }}){% endmacro %}
{% macro default__list_length(list) %}cardinality({{ list }}){% endmacro %}

{# How many distinct items a list has (null for a null list). #}
{% macro list_distinct_count(list) %}{{ return(adapter.dispatch('list_distinct_count')(list)) }}{% endmacro %}
{% macro duckdb__list_distinct_count(list) %}len(list_distinct({{ list }})){% endmacro %}
{% macro default__list_distinct_count(list) -%}
    case when {{ list }} is not null then (select count(distinct item) from unnest({{ list }}) as items (item)) end
{%- endmacro %}

{# A number rounded to places decimals, as a double. PostgreSQL rounds only numeric to a number of
   places: the double goes through numeric and back. #}
{% macro round_to(number, places) %}{{ return(adapter.dispatch('round_to')(number, places)) }}{% endmacro %}
{% macro duckdb__round_to(number, places) %}round({{ number }}, {{ places }}){% endmacro %}
{% macro default__round_to(number, places) -%}
    cast(round(cast({{ number }} as numeric), {{ places }}) as double precision)
{%- endmacro %}

{# The JSON object function: DuckDB's json_object, PostgreSQL's json_build_object (keys in order). #}
{% macro json_object_function() %}{{ return(adapter.dispatch('json_object_function')()) }}{% endmacro %}
{% macro duckdb__json_object_function() %}json_object{% endmacro %}
{% macro default__json_object_function() %}json_build_object{% endmacro %}

{# The columns of a relation under alias, leaving out `except` and computing `replace`
   ({column: expression}) in place: DuckDB's `* exclude (...) replace (...)`; elsewhere the
   column list of columns_of. #}
{% macro star(relation, alias, except=[], replace={}) %}{{ return(adapter.dispatch('star')(relation, alias, except, replace)) }}{% endmacro %}
{% macro duckdb__star(relation, alias, except, replace) -%}
    {{ alias }}.*
    {%- if except %} exclude ({{ except | join(', ') }}){% endif %}
    {%- if replace %} replace ({% for column, expression in replace.items() %}{{ expression }} as {{ column }}{{ ", " if not loop.last }}{% endfor %}){% endif %}
{%- endmacro %}
{% macro default__star(relation, alias, except, replace) %}{{ columns_of(relation, alias, except, replace) }}{% endmacro %}

{# The same as a column list on every target, read from the database when the model runs: for a CTE
   that carries a relation's columns and more (`select columns_of(...), added from cte`). #}
{% macro columns_of(relation, alias, except=[], replace={}) -%}
    {%- if not execute -%}
        {{ alias }}.*
    {%- else -%}
        {%- set columns = adapter.get_columns_in_relation(relation) | rejectattr('name', 'in', except) | list -%}
        {%- for column in columns -%}
            {{ replace[column.name] ~ ' as ' ~ column.name if column.name in replace else alias ~ '.' ~ adapter.quote(column.name) }}
            {{- ",\n        " if not loop.last }}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{# Unit-test fixtures write a list as DuckDB does, ['a', 'b']; dbt-postgres types a text[] column
   ARRAY, which no cast accepts, so such a fixture value is read as a JSON array of text. #}
{% macro postgres__safe_cast(field, type) -%}
    {%- if type == 'ARRAY' -%}
        case when {{ field }} is not null then array(
            select item
            from json_array_elements_text(cast(replace({{ field }}, '''', '"') as json)) with ordinality as items (item, position)
            order by position
        ) end
    {%- else -%}
        {{ dbt.default__safe_cast(field, type) }}
    {%- endif -%}
{%- endmacro %}

{# After a table is written: PostgreSQL plans from statistics that dbt's new tables lack until
   autovacuum gets to them, and a table an incremental pre-hook has just cut keeps the statistics of
   all its rows. Planned as if nothing were left to build (an anti-join of one row), the new quarter's
   int_client_periods_measured at 100 k ran nested loops for over 10 minutes; with statistics, hash
   joins. DuckDB keeps its statistics itself. #}
{% macro refresh_statistics() %}{{ return(adapter.dispatch('refresh_statistics')()) }}{% endmacro %}
{% macro duckdb__refresh_statistics() %}{% endmacro %}
{% macro default__refresh_statistics() -%}
    {%- if config.get('materialized') in ('table', 'incremental') -%}analyze {{ this }}{%- endif -%}
{%- endmacro %}

{# For the incremental facts' own build, in its transaction: no nested loops. Even with fresh
   statistics PostgreSQL cannot estimate the anti-join of the clients not yet built: most clients are
   built, so it judges the rest at one row, and it nests every later join of the model's CTEs over
   that one row. At 1 M commissions the new quarter's int_client_periods_measured (tens of thousands
   of rows, not one) was still in such a plan after 7 minutes; with hash joins the same query plans
   the same work as a first build's. The one nested loop left is the join of commissions to the period
   spine on a date range, which no hash can do. DuckDB plans hash joins by itself. #}
{% macro without_nested_loops() %}{{ return(adapter.dispatch('without_nested_loops')()) }}{% endmacro %}
{% macro duckdb__without_nested_loops() %}{% endmacro %}
{% macro default__without_nested_loops() %}set local enable_nestloop = off{% endmacro %}

{# The raw values of a rejected row as JSON, lineage left out (SPEC §6 quarantine.rejected_rows). #}
{% macro raw_values_json(relation, alias) -%}
    {%- set columns = adapter.get_columns_in_relation(relation) if execute else [] -%}
    {{ json_object_function() }}(
        {%- for column in columns if not column.name.startswith('_') %}
        '{{ column.name }}', {{ alias }}."{{ column.name }}"{{ "," if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{# The first reason that makes a row unusable, as a person reads it; null when the row is usable.
   checks is [(condition on parsed columns, reason text SQL)]. #}
{% macro first_problem(checks) -%}
    case
    {%- for condition, reason in checks %}
        when {{ condition }} then {{ reason }}
    {%- endfor %}
    end
{%- endmacro %}

{# "<column> is missing" or "<column> '<raw>' is not a <kind>". #}
{% macro unusable(column, raw, kind) -%}
    case when {{ raw }} is null then '{{ column }} is missing'
        else '{{ column }} ''' || {{ raw }} || ''' is not {{ kind }}' end
{%- endmacro %}

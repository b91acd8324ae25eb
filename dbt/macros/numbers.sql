{# SPEC §2.1 fees in yuan: 1200, 1,200, 1200元, ￥1200 (NFKC makes it ¥), 0.12万, 0.12万元 (x 10000). #}
{% macro parse_fee(cleaned) -%}
    {%- set text = "regexp_replace(" ~ cleaned ~ ", '[,¥元\\s]', '', 'g')" -%}
    case
        when {{ regexp_full_match(text, '\\d+(\\.\\d+)?万') }}
            then cast({{ try_cast("replace(" ~ text ~ ", '万', '')", "decimal(18, 4)") }} * 10000 as decimal(18, 2))
        when {{ regexp_full_match(text, '\\d+(\\.\\d+)?') }}
            then {{ try_cast(text, "decimal(18, 2)") }}
    end
{%- endmacro %}

{# A number within [low, high], else null (and flagged by quarantine.value_flags). #}
{% macro parse_score(cleaned, low, high) -%}
    case when {{ try_cast(cleaned, "double precision") }} between {{ low }} and {{ high }}
        then {{ try_cast(cleaned, "double precision") }} end
{%- endmacro %}

{# Searcher ratings 1-5 (SPEC §2.1): digits, or 很高 5, 高 4, 一般 3, 低 2, 很低 1. #}
{% macro parse_rating(cleaned) -%}
    case {{ cleaned }}
        when '很高' then 5 when '高' then 4 when '一般' then 3 when '低' then 2 when '很低' then 1
        else {{ parse_score(cleaned, 1, 5) }}
    end
{%- endmacro %}

{# A count such as talents: digits, optionally followed by 人 or 名. #}
{% macro parse_count(cleaned) -%}
    {{ try_cast("nullif(" ~ regexp_group(cleaned, '^(\\d+)[人名]?$') ~ ", '')", "integer") }}
{%- endmacro %}

{# A cast that yields null instead of failing (dbt-duckdb's safe_cast is a plain cast). #}
{% macro try_cast(expr, type) %}{{ return(adapter.dispatch('try_cast')(expr, type)) }}{% endmacro %}
{% macro duckdb__try_cast(expr, type) %}try_cast({{ expr }} as {{ type }}){% endmacro %}
{# PostgreSQL (before 16) has no cast that fails softly: cast only text that reads as a number of
   the type and fits it (integer: 9 digits; decimal(p, s): p - s before the point). #}
{% macro default__try_cast(expr, type) -%}
    {%- set decimal = modules.re.match('decimal\\((\\d+),\\s*(\\d+)\\)', type) -%}
    {%- if type == 'integer' -%}
        {%- set pattern = '\\s*[+-]?\\d{1,9}\\s*' -%}
    {%- elif decimal -%}
        {%- set pattern = '\\s*[+-]?(\\d{1,' ~ (decimal.group(1) | int - decimal.group(2) | int) ~ '}(\\.\\d*)?|\\.\\d+)\\s*' -%}
    {%- else -%}
        {%- set pattern = '\\s*[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?\\s*' -%}
    {%- endif -%}
    case when {{ regexp_full_match(expr, pattern) }} then cast({{ expr }} as {{ type }}) end
{%- endmacro %}

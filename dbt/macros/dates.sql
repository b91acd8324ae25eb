{# SPEC §2.8 dates: 2008-03-05, 2008/3/5, 2008.03.05, 20080305, 2008年3月5日, and native Excel
   cells (which ingest writes as 2008-03-05, with a time when the cell had one). Anything else,
   and impossible days such as 2008-02-30, are null. Input already cleaned. #}
{% macro parse_date(cleaned) -%}
    {%- set text = "regexp_replace(" ~ cleaned ~ ", '\\s+\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d+)?)?$', '')" -%}
    {%- set dashed = "regexp_replace(" ~ text ~ ", '[/.年月]', '-', 'g')" -%}
    case
        when {{ regexp_full_match(text, '\\d{4}-\\d{1,2}-\\d{1,2}|\\d{4}/\\d{1,2}/\\d{1,2}|\\d{4}\\.\\d{1,2}\\.\\d{1,2}') }}
            or {{ regexp_full_match(text, '\\d{4}年\\d{1,2}月\\d{1,2}日') }}
            then {{ date_from_digits("split_part(" ~ dashed ~ ", '-', 1)", "split_part(" ~ dashed ~ ", '-', 2)",
                                     "replace(split_part(" ~ dashed ~ ", '-', 3), '日', '')") }}
        when {{ regexp_full_match(text, '\\d{8}') }}
            then {{ date_from_digits("substr(" ~ text ~ ", 1, 4)", "substr(" ~ text ~ ", 5, 2)",
                                     "substr(" ~ text ~ ", 7, 2)") }}
    end
{%- endmacro %}

{# A statistics year: 2008, 2008年. #}
{% macro parse_year(cleaned) -%}
    cast(nullif({{ regexp_group(cleaned, '^(\\d{4})年?$') }}, '') as integer)
{%- endmacro %}

{# SPEC §2.8 dates: 2008-03-05, 2008/3/5, 2008.03.05, 20080305, 2008年3月5日, and native Excel
   cells (which ingest writes as 2008-03-05, with a time when the cell had one). Anything else,
   and impossible days such as 2008-02-30, are null. Input already cleaned. #}
{% macro parse_date(cleaned) -%}
    {%- set text = "regexp_replace(" ~ cleaned ~ ", '\\s+\\d{1,2}:\\d{2}(:\\d{2}(\\.\\d+)?)?$', '')" -%}
    case
        when regexp_full_match({{ text }}, '\d{4}-\d{1,2}-\d{1,2}|\d{4}/\d{1,2}/\d{1,2}|\d{4}\.\d{1,2}\.\d{1,2}')
            then cast(try_strptime(regexp_replace({{ text }}, '[/.]', '-', 'g'), '%Y-%m-%d') as date)
        when regexp_full_match({{ text }}, '\d{4}年\d{1,2}月\d{1,2}日')
            then cast(try_strptime({{ text }}, '%Y年%m月%d日') as date)
        when regexp_full_match({{ text }}, '\d{8}')
            then cast(try_strptime({{ text }}, '%Y%m%d') as date)
    end
{%- endmacro %}

{# A statistics year: 2008, 2008年. #}
{% macro parse_year(cleaned) -%}
    cast(nullif(regexp_extract({{ cleaned }}, '^(\d{4})年?$', 1), '') as integer)
{%- endmacro %}

{# SPEC §2: values compare after Unicode NFKC and trimming. DuckDB has no NFKC of its own: the
   warehouse registers an Arrow one (warehouse/connection.py); a server adapter has normalize(). #}
{% macro nfkc(expr) %}{{ return(adapter.dispatch('nfkc')(expr)) }}{% endmacro %}
{% macro duckdb__nfkc(expr) %}chaxin_nfkc({{ expr }}){% endmacro %}
{% macro default__nfkc(expr) %}normalize({{ expr }}, NFKC){% endmacro %}

{# Text as a person meant it: NFKC, trimmed, empty as null. #}
{% macro clean_text(expr) %}nullif({{ trim_spaces(nfkc(expr)) }}, ''){% endmacro %}

{# Free text needs no width folding: trimmed, empty as null. #}
{% macro trimmed(expr) %}nullif({{ trim_spaces(expr) }}, ''){% endmacro %}

{# SPEC §2.1: commission numbers are NFKC, trimmed, upper-case (input already cleaned). #}
{% macro commission_key(cleaned) %}upper({{ cleaned }}){% endmacro %}

{# SPEC §3: the match name of an organisation (input already NFKC): no whitespace or the listed
   punctuation, then one trailing legal form, the longest that fits. #}
{% macro match_name(cleaned) -%}
    nullif(regexp_replace(
        regexp_replace({{ cleaned }}, '[\s()（）\[\]【】·.,\-_"'']', '', 'g'),
        '(股份有限公司|有限责任公司|有限公司|公司)$', ''
    ), '')
{%- endmacro %}

{# A list written in one cell (honors, products), split on the separators SPEC §2 names. #}
{% macro split_list(cleaned) %}{{ split_trimmed(cleaned, '[；;、,，]') }}{% endmacro %}

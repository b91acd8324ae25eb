{# SPEC §2.8 phones: drop spaces, hyphens, parentheses, a leading +86/0086 and an extension after
   转, ext or #; valid are mobiles 1[3-9] + 9 digits and landlines 0 + 9-11 digits. Input cleaned. #}
{% macro parse_phone(cleaned) -%}
    {%- set digits -%}
        regexp_replace(
            regexp_replace(regexp_replace({{ cleaned }}, '(转|ext|#).*$', '', 'i'), '[\s\-()]', '', 'g'),
            '^(\+86|0086)', ''
        )
    {%- endset -%}
    case when {{ regexp_full_match(digits, '1[3-9]\\d{9}|0\\d{9,11}') }} then {{ digits }} end
{%- endmacro %}

{# Emails: one @, a dot in the domain, no spaces; kept lower-case. #}
{% macro parse_email(cleaned) -%}
    case when {{ regexp_full_match(cleaned, '[^@\\s]+@[^@\\s]*\\.[^@\\s]*[^@\\s.]') }} then lower({{ cleaned }}) end
{%- endmacro %}

{# Postcodes: six digits. #}
{% macro parse_postcode(cleaned) -%}
    case when {{ regexp_full_match(cleaned, '\\d{6}') }} then {{ cleaned }} end
{%- endmacro %}

{# The tiers of SPEC §5 Table 4, best first; rank 3 = key. #}
{% macro tiers() %}{{ return(['key', 'potential_key', 'general']) }}{% endmacro %}

{% macro tier_rank(tier) -%}
    case {{ tier }} when 'key' then 3 when 'potential_key' then 2 when 'general' then 1 end
{%- endmacro %}

{% macro natures() %}{{ return(['cas', 'enterprise', 'institute', 'university', 'other']) }}{% endmacro %}

{# A one-column relation of literal values, for cross joins that must show zero counts. #}
{% macro values_of(column, values) -%}
    {%- for value in values %}
    select '{{ value }}' as {{ column }}{{ " union all" if not loop.last }}
    {%- endfor %}
{%- endmacro %}

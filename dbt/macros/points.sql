{# SPEC §5 Table 3 loyalty points, 0-100, rounded to 2 decimals; weights and caps from vars. #}
{% macro loyalty_points(grain, n_active_sub_periods, n_sub_periods, n_commissions, mean_recognition, mean_cooperation) -%}
    {%- set caps = var('loyalty_count_cap') -%}
    {%- set cap -%}
        case {{ grain }} when 'quarter' then {{ caps['quarter'] }} when 'year' then {{ caps['year'] }}
            else {{ caps['five_year'] }} end
    {%- endset -%}
    {%- set points -%}
        {{ var('loyalty_frequency_weight') }} * 1.0 * {{ n_active_sub_periods }} / {{ n_sub_periods }}
        + {{ var('loyalty_count_weight') }} * 1.0 * least({{ n_commissions }}, {{ cap }}) / ({{ cap }})
        + coalesce({{ var('loyalty_recognition_weight') }} * ({{ mean_recognition }} - 1) / 4.0, 0)
        + coalesce({{ var('loyalty_cooperation_weight') }} * ({{ mean_cooperation }} - 1) / 4.0, 0)
    {%- endset %}
    {{ round_to(points, 2) }}
{%- endmacro %}

{# SPEC §5 Table 2 R&D-strength points, 0-100, rounded to 2 decimals. #}
{% macro rd_points(talents, n_valid_inventions, n_valid_utility_models, n_honors) -%}
    {%- set points -%}
        {{ var('rd_talent_points') }} * least(coalesce({{ talents }}, 0), {{ var('rd_talent_cap') }})
        + {{ var('rd_invention_points') }} * least(coalesce({{ n_valid_inventions }}, 0), {{ var('rd_invention_cap') }})
        + {{ var('rd_utility_points') }} * least(coalesce({{ n_valid_utility_models }}, 0), {{ var('rd_utility_cap') }})
        + {{ var('rd_honor_points') }} * least(coalesce({{ n_honors }}, 0), {{ var('rd_honor_cap') }})
    {%- endset %}
    {{ round_to(points, 2) }}
{%- endmacro %}

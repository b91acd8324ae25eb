{# A model's schema is the layer's name itself (staging, quarantine, ...), not target_layer. #}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name | trim if custom_schema_name else target.schema }}
{%- endmacro %}

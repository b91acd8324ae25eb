{# The classifications of SPEC §2. Each accepts the platform's Chinese words (the var
   classification_words of dbt_project.yml) and the English value itself; anything else is null
   (and flagged, or the row rejected where the column is required). #}

{# Exact words: mapping is {value: [words]}. #}
{% macro map_words(cleaned, mapping) -%}
    case
    {%- for value, words in mapping.items() %}
        when {{ cleaned }} in ('{{ value }}', '{{ words | join("', '") }}') then '{{ value }}'
    {%- endfor %}
    end
{%- endmacro %}

{# Keyword rules, first match wins: rules is [(value, [keywords])]; a non-empty rest is `otherwise`. #}
{% macro keyword_rules(cleaned, rules, otherwise) -%}
    case
    {%- for value, keywords in rules %}
        when {{ cleaned }} = '{{ value }}'
            {%- for keyword in keywords %} or position('{{ keyword }}' in {{ cleaned }}) > 0{% endfor %}
            then '{{ value }}'
    {%- endfor %}
        when {{ cleaned }} is not null then '{{ otherwise }}'
    end
{%- endmacro %}

{% macro classify_scope(cleaned) -%}
    {{ map_words(cleaned, var('classification_words')['scope']) }}
{%- endmacro %}

{% macro classify_purpose(cleaned) -%}
    {{ keyword_rules(cleaned, [
        ('project_approval', ['立项']),
        ('achievement_evaluation', ['鉴定', '评价', '验收']),
        ('award', ['奖']),
        ('patent', ['专利']),
    ], 'other') }}
{%- endmacro %}

{% macro classify_nature(cleaned) -%}
    {{ keyword_rules(cleaned, [
        ('cas', ['院内', '中科院', '中国科学院']),
        ('enterprise', ['企业', '公司']),
        ('university', ['高校', '大学', '学院']),
        ('institute', ['院所', '研究所', '研究院']),
    ], 'other') }}
{%- endmacro %}

{# An empty status means completed: the platform leaves it blank on finished work. #}
{% macro classify_status(cleaned) -%}
    case when {{ cleaned }} is null then 'completed' else
        {{ map_words(cleaned, var('classification_words')['status']) }}
    end
{%- endmacro %}

{% macro classify_patent_type(cleaned) -%}
    {{ map_words(cleaned, var('classification_words')['patent_type']) }}
{%- endmacro %}

{% macro classify_legal_status(cleaned) -%}
    {{ map_words(cleaned, var('classification_words')['legal_status']) }}
{%- endmacro %}

{# Report feedback: 满意 1.0, 基本满意 0.5, 不满意 0.0. #}
{% macro parse_satisfaction(cleaned) -%}
    case {{ cleaned }} when '满意' then 1.0 when '基本满意' then 0.5 when '不满意' then 0.0
        else case when {{ try_cast(cleaned, "double precision") }} in (0, 0.5, 1) then {{ try_cast(cleaned, "double precision") }} end
    end
{%- endmacro %}

{% macro classify_channel(cleaned) -%}
    {{ map_words(cleaned, var('classification_words')['channel']) }}
{%- endmacro %}

{% macro classify_activity_type(cleaned) -%}
    {{ map_words(cleaned, var('classification_words')['activity_type']) }}
{%- endmacro %}

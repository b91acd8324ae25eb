{# SPEC §5 duplicate candidates: a pair's score (0-100) from the weights of its pieces of evidence,
   1 - product of (1 - weight), as if each were an independent sign: one shared email says 90,
   an email and a phone 98. An aggregate: use it over a pair's evidence rows. #}
{% macro duplicate_score(weight) -%}
    {{ round_to('100 * (1 - exp(sum(ln(1 - least(' ~ weight ~ ', 0.999)))))', 1) }}
{%- endmacro %}

{# The weight of one piece of evidence of a kind (email, username, phone, address, name); a name
   pair's is scaled by how alike the names are. #}
{% macro duplicate_weight(kind, similarity) -%}
    case {{ kind }}
        {%- for k, w in var('duplicate_evidence_weights').items() if k != 'name' %}
        when '{{ k }}' then {{ w }}
        {%- endfor %}
        when 'name' then {{ var('duplicate_evidence_weights')['name'] }} * {{ similarity }} / 100.0
    end
{%- endmacro %}

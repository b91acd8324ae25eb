{# SPEC §6: one row per value that staging nulled — the raw cell held text, the parsed column is
   null — on rows that were otherwise usable. The reason names the rule the value broke. #}
{%- set flagged = {
    'commissions': {
        'scope': 'not a scope (国内, 国外, 国内外)', 'fee': 'not a fee in yuan',
        'postcode': 'invalid postcode (6 digits)', 'email': 'invalid email', 'phone': 'invalid phone',
        'status': 'not a status', 'completed_date': 'not a date',
        'recognition': 'not a rating from 1 to 5', 'cooperation': 'not a rating from 1 to 5',
    },
    'profiles': {'talents': 'not a count'},
    'patents': {'legal_status': 'not a legal status', 'granted_date': 'not a date'},
    'feedback': {'feedback_date': 'not a date', 'channel': 'not a channel (平台, 电话, 邮件)'},
    'surveys': {
        'experience': 'not a score from 1 to 5', 'quality': 'not a score from 1 to 5',
        'attitude': 'not a score from 1 to 5', 'recommend': 'not a score from 0 to 10',
    },
    'services': {'end_date': 'not a date', 'fee': 'not a fee in yuan'},
} -%}
with

{% for family, columns in flagged.items() %}
{{ family }}_paired as (
    select
        staged._file as file,
        staged._row_number as row_number,
        staged._load_id as load_id,
        {%- for column in columns %}
        staged.{{ column }} is null and {{ trim_spaces('raw_row.' ~ column) }} <> '' as is_{{ column }}_nulled,
        raw_row.{{ column }} as raw_{{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref('stg_' ~ family) }} as staged
    inner join {{ source('raw', family) }} as raw_row
        on staged._load_id = raw_row._load_id and staged._row_number = raw_row._row_number
    where staged._reject_reason is null
),

{{ family }}_flags as (
    {%- for column, reason in columns.items() %}
    select file, '{{ family }}' as family, row_number, load_id, '{{ column }}' as column_name,
        raw_{{ column }} as raw_value, '{{ reason }}' as reason
    from {{ family }}_paired where is_{{ column }}_nulled
    {{ "union all" if not loop.last }}
    {%- endfor %}
),
{% endfor %}

final as (
    {%- for family in flagged %}
    select * from {{ family }}_flags
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select * from final

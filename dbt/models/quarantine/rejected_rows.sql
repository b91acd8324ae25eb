{# SPEC §6: every row that could not be used, with its file, row number, reason and raw values.
   Staging rejects what cannot be parsed; int_commissions_attributed what has no organisation. #}
{%- set families = ['commissions', 'profiles', 'patents', 'feedback', 'surveys', 'services', 'activities'] -%}
with

{% for family in families %}
{{ family }}_rejected as (
    select
        staged._file as file,
        '{{ family }}' as family,
        staged._row_number as row_number,
        staged._load_id as load_id,
        staged._reject_reason as reason,
        {{ raw_values_json(source('raw', family), 'raw_row') }} as raw_values
    from {{ ref('stg_' ~ family) }} as staged
    inner join {{ source('raw', family) }} as raw_row
        on staged._load_id = raw_row._load_id and staged._row_number = raw_row._row_number
    where staged._reject_reason is not null
),
{% endfor %}

unattributed as (
    select
        commission._file as file,
        'commissions' as family,
        commission._row_number as row_number,
        commission._load_id as load_id,
        commission._reject_reason as reason,
        {{ raw_values_json(source('raw', 'commissions'), 'raw_row') }} as raw_values
    from {{ ref('int_commissions_attributed') }} as commission
    inner join {{ source('raw', 'commissions') }} as raw_row
        on commission._load_id = raw_row._load_id and commission._row_number = raw_row._row_number
    where commission._reject_reason is not null
),

final as (
    {% for family in families %}
    select * from {{ family }}_rejected
    union all
    {% endfor %}
    select * from unattributed
)

select * from final

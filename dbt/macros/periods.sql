{# SPEC §4 period keys, spelled like period_key: 2008Q1, 2008, 2006-2010. Five-year periods follow
   China's Five-Year Plans, which since 1966 start every five years (the 11th: 2006-2010). #}
{% macro quarter_key(date_expr) -%}
    (cast(extract(year from {{ date_expr }}) as varchar) || 'Q' || cast(extract(quarter from {{ date_expr }}) as varchar))
{%- endmacro %}

{% macro year_key(date_expr) -%}
    cast(extract(year from {{ date_expr }}) as varchar)
{%- endmacro %}

{% macro five_year_start(year_expr) -%}
    (1966 + 5 * cast(floor(({{ year_expr }} - 1966) / 5.0) as integer))
{%- endmacro %}

{% macro five_year_key(date_expr) -%}
    {%- set start = five_year_start("extract(year from " ~ date_expr ~ ")") -%}
    (cast({{ start }} as varchar) || '-' || cast({{ start }} + 4 as varchar))
{%- endmacro %}

{# The sub-period a date falls in, within a period of the grain: month of a quarter, quarter of
   a year, year of a five-year plan (SPEC §5 loyalty frequency). #}
{% macro sub_period(grain, date_expr) -%}
    case {{ grain }}
        when 'quarter' then extract(month from {{ date_expr }})
        when 'year' then extract(quarter from {{ date_expr }})
        else extract(year from {{ date_expr }})
    end
{%- endmacro %}


{# The quarters the data has reached (SPEC §5: the action plan's and the survey targets' lists),
   up to the one of the latest commission date. #}
{% macro quarters_reached() -%}
    (
        select periods.*
        from {{ ref('int_periods_spined') }} as periods
        where periods.grain = 'quarter'
            and periods.start_date <= (select max(commission_date) from {{ ref('int_commissions_identified') }})
    )
{%- endmacro %}

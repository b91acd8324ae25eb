{# The outlook's features are incremental by client and by year (SPEC §8: a new quarter re-runs only
   what it touches). A row (year, client) reads its client's inputs (int_client_inputs_fingerprinted:
   commissions, attributes, profiles, patents, hence its tiers and points) and feedback, and whether
   its year and the next are closed. Each row keeps the hash of its client's (_inputs_hash,
   client_input_hashes). An incremental run deletes the rows of a client whose hash changed or who is
   gone, and every row of a year no longer closed or whose next year's closing changed (its labels);
   it then builds the rows of every client or year it holds none of. #}
{% macro outlook_inputs() %}{{ return(['fingerprint', 'feedback']) }}{% endmacro %}


{# The closed years: a year is closed once the counted commissions reach its Q4. #}
{% macro outlook_closed_years() -%}
    (
        select cast(period_key as integer) as year, end_date
        from {{ ref('int_periods_spined') }}
        where grain = 'year'
            and period_key || 'Q4' <= (select max(quarter_key) from {{ ref('int_commissions_identified') }} where is_counted)
    )
{%- endmacro %}


{% macro drop_outlook_rows_of_changed_years() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where year not in (select year from {{ outlook_closed_years() }} as closed)
        or is_next_year_closed <> (year + 1 in (select year from {{ outlook_closed_years() }} as closed))
    {%- endif -%}
{%- endmacro %}

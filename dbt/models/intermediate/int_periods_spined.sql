{# SPEC §4: every period of the three grains from var first_year to var last_year, with its window,
   how many sub-periods it has, and the previous period of the same grain. #}
with

years as (
    select {{ var('first_year') }} + cast(generated_number as integer) - 1 as year
    from ({{ dbt.generate_series(var('last_year') - var('first_year') + 1) }}) as numbers
),

quarters as (
    select year, cast(generated_number as integer) as quarter
    from years
    cross join ({{ dbt.generate_series(4) }}) as numbers
),

all_periods as (
    select
        'quarter' as grain,
        cast(year as varchar) || 'Q' || cast(quarter as varchar) as period_key,
        make_date(year, 3 * quarter - 2, 1) as start_date,
        {{ dbt.last_day('make_date(year, 3 * quarter, 1)', 'month') }} as end_date,
        3 as n_sub_periods
    from quarters

    union all

    select
        'year' as grain,
        cast(year as varchar) as period_key,
        make_date(year, 1, 1) as start_date,
        make_date(year, 12, 31) as end_date,
        4 as n_sub_periods
    from years

    union all

    select
        'five_year' as grain,
        cast(year as varchar) || '-' || cast(year + 4 as varchar) as period_key,
        make_date(year, 1, 1) as start_date,
        make_date(year + 4, 12, 31) as end_date,
        5 as n_sub_periods
    from years
    where year = {{ five_year_start('year') }} and year + 4 <= {{ var('last_year') }}
),

final as (
    select
        *,
        lag(period_key) over (partition by grain order by start_date) as previous_period_key
    from all_periods
)

select * from final

{# The SPEC §5 thresholds this build used (the dbt vars, with any --vars of the run), one row, for
   readers that draw or explain them: the period report's chart lines read them here rather than
   repeating the numbers. #}
with

final as (
    select
        cast({{ var('loyalty_high_threshold') }} as double precision) as loyalty_high_threshold,
        cast({{ var('rd_strong_threshold') }} as double precision) as rd_strong_threshold,
        cast({{ var('value_top_share') }} as double precision) as value_top_share,
        cast({{ var('lookback_quarters') }} as integer) as lookback_quarters
)

select * from final

{# The action plan is incremental by client and quarter (SPEC §8: a new quarter re-runs only what
   it touches). A quarter's list is as of its last day and reads, of its client, the tier of the
   year before, whether it was at risk at a year's end, and its activities (SPEC §5). So a build
   changes a client's lists only from
   - the Q4 of a year whose tier or at-risk state changed in it (mart_client_years_tracked): the
     at-risk visit is listed in that Q4, the tier's actions from the next quarter on;
   - the date of an activity of a new load, which may complete an action listed since then.
   An incremental run deletes those rows (drop_changed_plan_rows), then builds the rows it no longer
   holds (plan_rows_to_build): a changed client's from its first changed quarter, and a quarter
   the data has just reached, for every client. A quarter the data no longer reaches is deleted.
   Strategies, festivals and vars are in the project fingerprint: a change rebuilds everything. #}
{% macro plan_changes() -%}
    (
        select client_id, min(from_date) as from_date
        from (
            select client_id, make_date(year, 10, 1) as from_date
            from {{ ref('mart_client_years_tracked') }}
            where changed_after_load = {{ last_built_load() }}
            union all
            select client_id, activity_date as from_date
            from {{ ref('int_activities_identified') }}
            where _load_id > {{ last_built_load() }} and activity_date is not null
        ) as changed
        group by client_id
    )
{%- endmacro %}


{# The pre-hooks: DELETE ... USING, a join on both targets (an exists under an or would be a subplan
   per row on PostgreSQL). #}
{% macro drop_changed_plan_rows() -%}
    {%- if is_incremental() -%}
    delete from {{ this }} as built
    using {{ plan_changes() }} as changed
    where built.client_id = changed.client_id and built.as_of_date >= changed.from_date
    {%- endif -%}
{%- endmacro %}


{% macro drop_quarters_not_reached() -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where period_key not in (select period_key from {{ quarters_reached() }} as quarters)
        or {{ loads_retired_since_last_build() }}
    {%- endif -%}
{%- endmacro %}


{# The condition on a candidate row (its client's change joined as `changed`): what this model
   lacks. The quarters not yet listed are an uncorrelated NOT IN (a few dozen keys, never null), not
   not_built's correlated NOT EXISTS, which under an OR PostgreSQL runs once per row. #}
{% macro plan_rows_to_build(quarters) -%}
    {%- if is_incremental() -%}
    ({{ quarters }}.end_date >= changed.from_date
     or {{ quarters }}.period_key not in (select distinct period_key from {{ this }}))
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

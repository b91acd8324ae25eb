{# One row per value-added service and product (SPEC §2.6 products are a list in one cell). #}
with

services as (
    select * from {{ ref('int_services_identified') }}
),

final as (
    select
        client_id,
        project,
        unnest(products) as product,
        start_date,
        end_date,
        _file,
        _row_number
    from services
)

select * from final

{# SPEC §5: loyalty and R&D points are 0-100 whatever the data (caps hold). #}
select grain, period_key, client_id, loyalty_points, rd_points
from {{ ref('fct_client_period') }}
where loyalty_points not between 0 and 100 or rd_points not between 0 and 100

{# Client and commission shares of a period add up to 1. #}
select grain, period_key, sum(client_share) as clients, sum(commission_share) as commissions
from {{ ref('mart_source_mix') }}
group by grain, period_key
having abs(sum(client_share) - 1) > 1e-9 or abs(sum(commission_share) - 1) > 1e-9

{# SPEC §5: a tier goes only to complete enterprise clients; every other row says why it has none. #}
select grain, period_key, client_id, nature, is_complete, tier, untiered_reason
from {{ ref('fct_client_period') }}
where (tier is not null and (nature <> 'enterprise' or not is_complete))
    or (tier is null and untiered_reason is null)

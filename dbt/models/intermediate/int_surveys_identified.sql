{# Surveys with their client (SPEC §3 identity through the alias seed). #}
{{ identified('surveys') }}

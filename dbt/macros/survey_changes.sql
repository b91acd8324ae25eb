{# The survey targets are incremental by client and by quarter (SPEC §8: a new quarter re-runs only
   what it touches). A row (quarter, client) reads its client's commissions (their status and dates,
   its name and latest searcher), its tier of the year before (int_client_inputs_fingerprinted), its
   feedback and its surveys, and the quarter's dates. Each row keeps the hash of its client's inputs
   (_inputs_hash, client_input_hashes). An incremental run deletes the rows of a client whose hash
   changed or who is gone, and those of a quarter the data no longer reaches (drop_quarters_not_reached);
   it then builds the rows of every client or quarter it holds none of. #}
{% macro survey_inputs() %}{{ return(['fingerprint', 'commissions', 'feedback', 'surveys']) }}{% endmacro %}

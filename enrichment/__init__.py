"""Tables Python computes with libraries neither database target has (a model fit, word
segmentation, fuzzy matching), written into the warehouse schema `enrichment` between dbt's two
stages: stage 1 builds what they read, stage 2 the models that read them (dbt source `enrichment`).

ENRICHMENTS names each one's tables and the stage-1 relations it reads, which is all the
orchestration (dagster_project/assets/enrichment.py) and the incremental rules
(warehouse/build_state.py) need to know; the computation lives in the module named."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Enrichment:
    table: str                              # enrichment.<table>, read by dbt as source('enrichment', table)
    reads: tuple[tuple[str, str], ...]      # the stage-1 relations (schema, name) it is computed from
    module: str                             # the module whose compute(con) returns its tables
    description: str


ENRICHMENTS = {
    "client_outlook": Enrichment(
        table="client_outlook",
        reads=(("marts", "mart_outlook_features"),),
        module="enrichment.outlook",
        description="The outlook model's scores per closed year and client (SPEC §5 outlook), fitted by "
                    "scikit-learn on the years before each (enrichment/outlook.py)."),
    "organisation_name_pairs": Enrichment(
        table="organisation_name_pairs",
        reads=(("intermediate", "int_organisations_resolved"), ("seeds", "station_terms")),
        module="enrichment.organisation_name_pairs",
        description="Near-identical organisation match names (SPEC §5 duplicate candidates), scored by "
                    "rapidfuzz over pairs blocked by rare bigrams (enrichment/organisation_name_pairs.py)."),
    "text_keywords": Enrichment(
        table="text_keywords",
        reads=(("intermediate", "int_texts_collected"), ("seeds", "station_terms")),
        module="enrichment.text_keywords",
        description="The keywords of every distinct commission title and profile core technology or product "
                    "(SPEC §5 R&D directions), by jieba with the station_terms seed (enrichment/text_keywords.py)."),
}

SCHEMA = "enrichment"

__all__ = ["ENRICHMENTS", "SCHEMA", "Enrichment"]

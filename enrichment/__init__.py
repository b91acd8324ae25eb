"""Tables Python computes with libraries neither database target has (word segmentation, fuzzy
matching), written into the warehouse schema `enrichment` between dbt's two stages. (Placeholder
until the enrichment framework of branch outlook is merged: it owns this file.)"""

"""What SQL cannot do on both targets: Chinese word segmentation (jieba) and fuzzy name matching
(rapidfuzz). Tables in, tables out; the warehouse's enrichment assets write what these return."""

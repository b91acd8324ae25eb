"""inbox -> raw: files, hashes, encodings, header rows, family detection, bulk load."""
from .families import FAMILIES, FAMILY_BY_NAME, Family
from .load import FileResult, ingest_inbox

__all__ = ["FAMILIES", "FAMILY_BY_NAME", "Family", "FileResult", "ingest_inbox"]

"""Export formats: the JSONL records of `store.exports`, written as other tools read them."""

from .files import FORMATS, ONLY, export_to_file, write_export

__all__ = ["FORMATS", "ONLY", "export_to_file", "write_export"]

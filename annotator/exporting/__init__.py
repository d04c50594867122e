"""Export formats: the JSONL records of `store.exports`, written as other tools read them."""

from .files import FORMATS, ONLY, TEXT_FORMATS, export_to_file, write_export

__all__ = ["FORMATS", "ONLY", "TEXT_FORMATS", "export_to_file", "write_export"]

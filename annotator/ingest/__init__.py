"""Importing files: reading and validating each format, then storing it, published at once."""

from .load import ImportSummary, import_file
from .readers import FORMATS, InputError

__all__ = ["FORMATS", "ImportSummary", "InputError", "import_file"]

"""Importing files: reading and validating each format, then storing it, published at once."""

from .formats import FORMATS
from .json_lines import InputError
from .load import ImportSummary, import_file

__all__ = ["FORMATS", "ImportSummary", "InputError", "import_file"]

"""Field values of an imported record, checked as they are read: who labelled, ids and other
short texts. Each check calls `fail` with what is wrong; the reader adds the file and line."""

from __future__ import annotations

# Longer is not a person's name or id but a mistake in the file.
MAX_ANNOTATOR = 200


def annotator_name(value, field: str, fail) -> str | None:
    """Who labelled, as a file names them: a name or e-mail, or a numeric id. It is shown on
    pages and packed into the CSV export as "name:label|name:label", so it is one printable
    line without those separators and without white space around it."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if (
        not isinstance(value, str)
        or not 0 < len(value) <= MAX_ANNOTATOR
        or not value.isprintable()
        or value != value.strip()
        or "|" in value
        or ":" in value
    ):
        fail(
            f"'{field}' must be a name or numeric id of 1 to {MAX_ANNOTATOR} printable"
            " characters, without ':' or '|' or white space around it"
        )
    return value


def optional_str(value, name: str, fail) -> str | None:
    """A text field that may be missing; a number is taken as its digits."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        fail(f"'{name}' must be a string")
    return str(value)


def record_id(value, name: str, fail) -> str | None:
    """A document or sentence id. Pages carry ids in their web addresses, where a browser
    drops an empty part between slashes and resolves "." and ".." parts: such ids are refused."""
    value = optional_str(value, name, fail)
    if value and any(part in ("", ".", "..") for part in value.split("/")):
        fail(
            f"{name} {value!r} cannot be part of a web address: no part of it between "
            "slashes may be empty, '.' or '..'"
        )
    return value

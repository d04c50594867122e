"""JSON lines read safely: every line an object, its nesting bounded, its strings real text.

Shared by the readers of the JSON formats, with the error every reader raises.
"""

from __future__ import annotations

import json

# `meta` is stored as JSON and read back by SQLite's JSON functions and by Python's json,
# both of which recurse: deeper values are refused rather than failing later.
MAX_META_DEPTH = 32


class InputError(ValueError):
    """A problem with an input file, located by file name and (when known) line."""

    def __init__(self, source: str, message: str, line: int | None = None):
        self.source, self.line, self.message = source, line, message
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {message}")


def json_objects(source: str, text: str):
    """(line number, object) for every non-blank line; InputError for a line that is not a
    JSON object, nests too deeply, or holds a lone surrogate."""
    # Split on "\n" only: str.splitlines() would also break inside JSON strings at
    # characters such as U+2028, which JSON allows unescaped.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(
                source, f"not valid JSON at column {error.colno}: {error.msg}", number
            ) from None
        except RecursionError:
            raise InputError(source, "the JSON is nested too deeply", number) from None
        if not isinstance(value, dict):
            raise InputError(source, "each line must be a JSON object", number)
        if "\\u" in line:  # only an escape can put a NUL or a lone surrogate in a string
            problem = text_problem(value)
            if problem:
                raise InputError(source, problem, number)
        yield number, value


def text_problem(value) -> str | None:
    """What makes a decoded JSON value's strings unfit to store, or None: a NUL character, or
    a lone UTF-16 surrogate (an unpaired escape, which is not text). Iterative: the value may
    nest nearly as deep as the recursion limit."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if "\x00" in item:
                return "a string holds a NUL character (\\u0000)"
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return (
                    "a string holds a lone UTF-16 surrogate (an unpaired \\ud800-\\udfff"
                    " escape), which is not text"
                )
    return None


def depth(value) -> int:
    """How deeply lists and objects nest in a decoded JSON value (a scalar is 0)."""
    deepest, stack = 0, [(value, 0)]
    while stack:  # iterative: the value may nest nearly as deep as the recursion limit
        item, level = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, level + 1)
            stack.extend((child, level + 1) for child in item)
    return deepest

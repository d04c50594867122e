"""The storage, text and model layers stay free of the web framework."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "annotator"
WEB_FREE = [
    "store",
    "text",
    "models",
    "ingest",
    "schemes.py",
    "prelabel.py",
    "tasks.py",
    "worker.py",
    "corpus_stats.py",
    "agreement.py",
    "wording.py",
]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("part", WEB_FREE)
def test_layer_does_not_import_flask_or_the_web_layer(part):
    target = PACKAGE / part
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    assert files
    for path in files:
        for name in imported_modules(path):
            root = name.split(".")[0]
            assert root not in {"flask", "flask_wtf", "flask_htmx", "wtforms", "werkzeug"}, path
            assert not name.startswith("annotator.web"), path

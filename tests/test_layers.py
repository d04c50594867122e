"""The package's layers import each other only downward, and the lower ones never load Flask.

The rule, from the README's layout, lowest layer first. A module may import its own layer and
the layers below it, never one above:

0. `schemes.py`, `metrics.py`, `agreement.py`, `wording.py`, `folders.py`: label schemes,
   arithmetic on labels, words and folders swapped into place; they import nothing of the
   package.
1. `store/`: SQLite.
2. `text/`: sentences and actors.
3. `models/`: the model backends.
4. `ingest/`, `prelabel.py`, `cluster.py`, `evaluate.py`, `training.py`, `fine_tuning.py`,
   `cross_validation.py`, `learning_history.py`, `learning_plan.py`, `learning.py`, `starter.py`,
   `corpus_stats.py`, `exporting/`, `project.py`: work over the stored data with the models.
5. `tasks.py`, `worker.py`: the background jobs.
6. `web/` and the app factory, `annotator/__init__.py`.
7. `cli/`: the commands; they reach the web layer only through `create_app` (to serve it).

Layers 0 to 5 import no web framework (Flask, its extensions, WTForms, Werkzeug): not in
their own code (checked by parsing every import, those inside functions included) and not
through anything they import (checked by importing them in a fresh interpreter).
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "annotator"
LAYERS = [
    {"schemes", "metrics", "agreement", "wording", "folders"},
    {"store"},
    {"text"},
    {"models"},
    {
        "ingest",
        "prelabel",
        "cluster",
        "evaluate",
        "training",
        "fine_tuning",
        "cross_validation",
        "learning_history",
        "starter",
        "learning_plan",
        "learning",
        "corpus_stats",
        "exporting",
        "project",
    },
    {"tasks", "worker"},
    {"web", "__init__"},
    {"cli"},
]
WEB = 6
WEB_FRAMEWORK = {"flask", "flask_htmx", "flask_login", "flask_wtf", "werkzeug", "wtforms"}
APP_FACTORY = {"annotator", "annotator.create_app"}
MODULES = sorted(PACKAGE.rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> int:
    """The layer of `annotator.PART...`; a name defined in `annotator/__init__.py` is the app's."""
    parts = module.split(".")
    part = parts[1] if len(parts) > 1 and any(parts[1] in names for names in LAYERS) else "__init__"
    return next(rank for rank, names in enumerate(LAYERS) if part in names)


def imported_modules(source: str, module: str, is_package: bool) -> set[str]:
    """Every module the source imports, at the top or inside functions, relative ones resolved.

    `from X import Y` counts as importing X.Y: Y may be a module, and its name tells the layer
    (`from annotator import create_app` imports the app factory, not the whole package).
    """
    package = module.split(".") if is_package else module.split(".")[:-1]
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            imported = ".".join(base + ([node.module] if node.module else []))
            names.update(f"{imported}.{alias.name}" for alias in node.names)
    return names


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    layer = layer_of(module)
    found = []
    for name in sorted(imported_modules(source, module, is_package)):
        if name.split(".")[0] == "annotator":
            if layer_of(name) > layer:
                found.append(f"{module} imports {name}, a higher layer")
            elif layer > WEB and layer_of(name) == WEB and name not in APP_FACTORY:
                found.append(f"{module} imports {name}: the commands only use create_app")
        elif layer < WEB and name.split(".")[0] in WEB_FRAMEWORK:
            found.append(f"{module} imports {name}, a web framework")
    return found


def test_every_module_has_its_layer():
    assert len(MODULES) > 40
    placed = set().union(*LAYERS)
    unplaced = [
        module_name(path)
        for path in MODULES
        if path.relative_to(PACKAGE).parts[0].removesuffix(".py") not in placed
    ]
    assert unplaced == [], "give each new top-level module a layer in LAYERS"


@pytest.mark.parametrize("path", MODULES, ids=module_name)
def test_imports_go_only_downward(path):
    source = path.read_text(encoding="utf-8")
    assert violations(source, module_name(path), path.name == "__init__.py") == []


def test_the_check_finds_upward_and_web_imports():
    source = (
        "from annotator.schemes import get_scheme\n"
        "from . import corpus\n"
        "def f():\n"
        "    from ..web import review\n"
        "    import flask\n"
        "    from annotator import create_app\n"
    )
    assert violations(source, "annotator.store.jobs") == [
        "annotator.store.jobs imports annotator.create_app, a higher layer",
        "annotator.store.jobs imports annotator.web.review, a higher layer",
        "annotator.store.jobs imports flask, a web framework",
    ]
    assert violations("from annotator.web.review import bp", "annotator.cli.server") == [
        "annotator.cli.server imports annotator.web.review.bp: the commands only use create_app",
    ]
    assert violations("import annotator.cli", "annotator.web.review") == [
        "annotator.web.review imports annotator.cli, a higher layer"
    ]
    assert violations("from annotator import create_app\nimport flask", "annotator.cli.x") == []


def test_the_lower_layers_load_no_web_framework():
    lower = [
        module_name(path)
        for path in MODULES
        if layer_of(module_name(path)) < WEB and path.name != "__main__.py"
    ]
    assert {"annotator.store", "annotator.text", "annotator.models"} <= set(lower)
    script = (
        "import importlib, sys\n"
        f"for name in {lower!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}))\n"
    )
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    loaded = set(ast.literal_eval(found.stdout))
    assert "annotator" in loaded and "sqlite_utils" in loaded and "spacy" in loaded
    assert loaded & WEB_FRAMEWORK == set()

"""A folder written whole under a staging name, then swapped into place.

A model or a dataset export is a folder of several files; a reader must never find half of
one under its name, and a failure must leave the earlier folder there. So it is written beside
its place, and the swap is two renames: the earlier folder aside, the new one in. Only between
the two is there no folder under the name, never a partial one.
"""

from __future__ import annotations

import shutil
from pathlib import Path


def replace_folder(staging: Path, folder: Path) -> None:
    """Move the complete folder `staging` to `folder`, replacing what is there; on a failure,
    the earlier folder is put back and `staging` removed."""
    aside = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(aside, ignore_errors=True)
    try:
        if folder.exists():
            folder.rename(aside)
        staging.rename(folder)
    except BaseException:
        if aside.exists() and not folder.exists():
            aside.rename(folder)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(aside, ignore_errors=True)

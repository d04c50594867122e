"""A folder swapped into place: whole or not at all, and the earlier one kept on a failure."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.folders import replace_folder


def _folder(path: Path, text: str) -> Path:
    path.mkdir()
    (path / "weights.bin").write_text(text, encoding="utf-8")
    return path


def test_the_new_folder_replaces_the_earlier_one_and_nothing_is_left_beside(tmp_path):
    folder = _folder(tmp_path / "model", "old")
    replace_folder(_folder(tmp_path / ".model.partial", "new"), folder)
    assert (folder / "weights.bin").read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]


def test_a_failed_swap_puts_the_earlier_folder_back(tmp_path, monkeypatch):
    folder = _folder(tmp_path / "model", "old")
    staging = _folder(tmp_path / ".model.partial", "new")
    real_rename = Path.rename

    def failing(self, target):
        if self == staging:
            raise OSError(28, "No space left on device")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OSError):
        replace_folder(staging, folder)
    assert (folder / "weights.bin").read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["model"]

"""The command line: each command, its errors, and the import → predict → export round trip."""

import json

import pytest
from click.testing import CliRunner

from annotator.cli import main

from .conftest import SEED, write


@pytest.fixture
def run(tmp_path):
    runner = CliRunner()

    def invoke(*args, db=None):
        env = {"ANNOTATOR_DB": str(db or tmp_path / "cli.db")}
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.mark.parametrize(
    "command", ["init", "import", "predict", "export", "evaluate", "train", "serve", "demo"]
)
def test_every_command_has_help_with_an_example(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example: annotator" in result.output and "--db" in result.output


def test_commands_refuse_an_uninitialised_database(run):
    result = run("export")
    assert result.exit_code == 1 and "run `annotator init` first" in result.output


def test_round_trip(run, tmp_path):
    assert run("init").exit_code == 0
    result = run("import", str(SEED))
    assert result.exit_code == 0 and "48 sentences" in result.output
    result = run("predict", "--batch-size", "16")
    assert result.exit_code == 0 and "pre-labelled" in result.output
    assert "nothing to do" in run("predict").output
    out = tmp_path / "gold.jsonl"
    assert run("export", "-o", str(out)).exit_code == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 48
    predicted = [t["prediction"] for line in lines for t in line["targets"]]
    assert predicted and all(p["model"] == "embedding:all-MiniLM-L6-v2" for p in predicted)

    other = tmp_path / "other.db"
    assert run("init", db=other).exit_code == 0
    assert run("import", str(out), db=other).exit_code == 0
    again = tmp_path / "again.jsonl"
    run("export", "-o", str(again), db=other)
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")


def test_predict_without_a_model_runs_the_projects_active_one(run, tmp_path, nli_model_dir):
    """The review cards show the active model's pre-labels only: a bare `predict` (and `demo`
    run again) pre-labels new text with it, not with the offline default."""
    run("init")
    first = write(tmp_path / "first.txt", "Angela Merkel praised Emmanuel Macron.")
    run("import", str(first))
    active = f"nli:{nli_model_dir}"
    assert f"with {active}" in run("predict", "--model", active).output  # the first: active
    second = write(tmp_path / "second.txt", "Boris Johnson criticised Olaf Scholz.")
    run("import", str(second))
    assert f"with {active}" in run("predict").output
    assert "with embedding" in run("predict", "--model", "embedding").output  # named: run


def test_import_reports_the_bad_file_and_keeps_the_good_one(run, tmp_path):
    run("init")
    bad = write(tmp_path / "bad.jsonl", '{"text": "Merkel spoke."}\n{oops\n')
    result = run("import", str(SEED), str(bad))
    assert result.exit_code == 1
    assert f"{bad}, line 2: not valid JSON" in result.output
    assert "1 of 2 files were not imported" in result.output
    export = run("export").output.splitlines()
    assert len(export) == 48


def test_db_option_overrides_the_environment(run, tmp_path):
    chosen = tmp_path / "chosen.db"
    assert run("init", "--db", str(chosen), "--scheme", "sentiment").exit_code == 0
    assert chosen.exists() and not (tmp_path / "cli.db").exists()
    assert "scheme sentiment" in run("init", "--db", str(chosen)).output


def test_unknown_model_spec_is_a_usage_error(run):
    run("init")
    result = run("predict", "--model", "gpt:4")
    assert result.exit_code == 2 and "unknown model spec" in result.output


HOSTILE_FILES = {
    "nested.jsonl": '{"text": "Vladimir Putin spoke.", "meta": {"a": '
    + "[" * 5000
    + "]" * 5000
    + "}}\n",
    "surrogate.jsonl": '{"id": "s1", "text": "Vladimir Putin \\ud83d met Joe Biden in Paris."}\n',
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_a_hostile_file_is_named_and_the_next_file_still_imports(run, tmp_path, name):
    run("init")
    bad = write(tmp_path / name, HOSTILE_FILES[name])
    good = write(tmp_path / "good.txt", "Joe Biden praised Angela Merkel in Berlin.\n")
    result = run("import", str(bad), str(good))
    assert result.exit_code == 1 and f"error: {bad}, line 1: " in result.output
    assert "Traceback" not in result.output and "1 of 2 files were not imported" in result.output
    [document] = [json.loads(line)["document_id"] for line in run("export").output.splitlines()]
    assert document == "good"


def test_export_of_nothing_writes_an_empty_file(run, tmp_path):
    run("init")
    out = tmp_path / "empty.jsonl"
    result = run("export", "-o", str(out))
    assert result.exit_code == 0 and "wrote 0 sentences" in result.output
    assert out.read_bytes() == b""


def test_a_failed_export_leaves_the_earlier_file_and_no_partial_one(run, tmp_path, monkeypatch):
    run("init")
    run("import", str(SEED))
    out = write(tmp_path / "gold.jsonl", "an earlier export\n")

    def broken(db):
        yield '{"id": "first"}\n'
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("annotator.exporting.files.iter_export_lines", broken)
    result = run("export", "-o", str(out))
    assert result.exit_code == 1 and "No space left on device" in result.output
    assert out.read_text(encoding="utf-8") == "an earlier export\n"
    assert [p.name for p in tmp_path.iterdir() if "gold" in p.name] == ["gold.jsonl"]

"""`--device auto|cpu|cuda`: the choice, its checks, and what a GPU would be given (the
option handling is tested on the CPU; the GPU figures are in benchmarks/README.md)."""

import pytest
import torch
from click.testing import CliRunner

from annotator.cli import main
from annotator.ingest import import_file
from annotator.models import device
from annotator.store.database import project_scheme

from .conftest import SEED


@pytest.fixture(autouse=True)
def fresh_choice(monkeypatch):
    monkeypatch.delenv(device.ENVIRONMENT, raising=False)
    device.current.cache_clear()
    yield
    device.current.cache_clear()


def test_auto_takes_the_cpu_without_a_gpu_and_keeps_the_cpu_s_precision(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert device.current() == "cpu" and device.batch(64) == 64
    assert device.half_precision() == (torch.bfloat16 if device.cpu_has_fast_bf16() else None)
    with pytest.raises(ValueError, match="torch sees no CUDA GPU"):
        device.choose("cuda")
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        device.choose("tpu")


def test_auto_takes_a_gpu_in_half_precision_with_larger_batches(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: False)
    assert device.current() == "cuda" and device.batch(64) == 64 * device.GPU_BATCH_FACTOR
    assert device.half_precision() == torch.float16
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda: True)
    assert device.half_precision() == torch.bfloat16
    monkeypatch.setenv(device.ENVIRONMENT, "cpu")  # as a Ray worker told to stay on the CPU
    device.current.cache_clear()
    assert device.current() == "cpu"


@pytest.mark.skipif(torch.cuda.is_available(), reason="a GPU is present")
def test_predict_names_a_device_it_cannot_use_and_runs_on_the_one_it_can(db_path, db):
    import_file(db, SEED, "auto", project_scheme(db).label_names)
    runner = CliRunner()
    result = runner.invoke(main, ["predict", "--db", str(db_path), "--device", "cuda"])
    assert result.exit_code == 2 and "--device cuda: torch sees no CUDA GPU" in result.output
    assert db.table("predictions").count == 0
    result = runner.invoke(main, ["predict", "--db", str(db_path), "--device", "cpu"])
    assert result.exit_code == 0 and "after loading the model, on cpu" in result.output
    assert db.table("predictions").count == db.table("mentions").count

"""Shared fixtures. ``pytest --update-expected`` rewrites the expected JSON
beside each fixture from the current output; review the diff before committing."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_REAL = REPO.parent / "shared" / "real"


def load_benchmark(name: str) -> ModuleType:
    """``benchmarks/<name>.py`` as a module (the folder is not a package)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pytest_addoption(parser):
    parser.addoption("--update-expected", action="store_true", help="rewrite tests/fixtures/*.expected.json")


@pytest.fixture
def update_expected(request) -> bool:
    return request.config.getoption("--update-expected")


@pytest.fixture
def shared_real() -> Path:
    if not SHARED_REAL.is_dir():
        pytest.skip("../shared/real is not present (the real papers are only in the development checkout)")
    return SHARED_REAL

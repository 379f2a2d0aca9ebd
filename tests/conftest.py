"""Shared fixtures. ``pytest --update-expected`` rewrites the expected JSON
beside each fixture from the current output; review the diff before committing."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_REAL = REPO.parent / "shared" / "real"


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

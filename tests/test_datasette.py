"""A real Datasette server on a real database: full-text search finds a
resolution by a word in it, and the row carries its document and page."""
from __future__ import annotations

import json
import urllib.request

import pytest
from click.testing import CliRunner

from conftest import REPO
from publication_support import start_serve, stop_serve
from pipeline.cli import main


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def server(tmp_path):
    db = tmp_path / "papers.db"
    result = CliRunner().invoke(main, ["ingest", str(REPO / "corpus" / "text"), "--db", str(db)])
    assert result.exit_code == 0, result.output
    process, base = start_serve(db)
    yield base
    stop_serve(process)


def test_search_finds_resolution_with_document_and_page(server):
    rows = get_json(f"{server}/papers/resolutions.json?_search=training&_shape=objects")["rows"]
    match = next(r for r in rows if "training be arranged" in r["text"])
    assert match["page"] == 1
    assert len(match["document_id"]) == 64
    assert match["minute_number"] == "53"


def test_configuration_is_applied(server):
    metadata = get_json(f"{server}/-/metadata.json")
    tables = metadata["databases"]["papers"]["tables"]
    assert tables["resolutions"]["columns"]["kind"].startswith("noted")
    rows = get_json(f"{server}/papers/resolutions_export.json?_shape=objects")["rows"]
    assert rows and {"text", "document", "page"} <= set(rows[0])
    facets = get_json(f"{server}/papers/resolutions.json?_facet=kind")["facet_results"]
    assert "kind" in facets

"""The bundled corpus: the typeset PDFs are what the builder makes from the seeds."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO
from pipeline.reader import read_document

CORPUS = REPO / "corpus"


def test_pdfs_are_current(tmp_path):
    subprocess.run([sys.executable, str(CORPUS / "build_pdfs.py"), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    for built in sorted(tmp_path.iterdir()):
        committed = CORPUS / "pdf" / built.name
        assert committed.read_bytes() == built.read_bytes(), f"{built.name}: run `make corpus` and commit"


def test_manifest_page_ranges_match_the_pdfs():
    manifest = json.loads((CORPUS / "pdf" / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["pdfs"]
    for entry in manifest["pdfs"]:
        doc = read_document(CORPUS / "pdf" / entry["pdf"])
        assert doc.page_count == entry["page_count"]
        blank = [p for p in entry["parts"] if p["kind"] == "blank"]
        for part in blank:
            page = doc.pages[part["page_start"] - 1]
            assert "intentionally left blank" in page.text.lower() or page.is_blank

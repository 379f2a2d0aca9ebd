"""Publishing a boardpapers database with Datasette, safely.

The database is opened immutable (a snapshot: Datasette never writes to it and
never locks it), or with ``live`` read-only (``mode=ro``) so that a server keeps
showing what an ingest adds. Arbitrary SQL is off unless asked for, the
database file cannot be downloaded, and the project's plugin
(``db/datasette_plugin.py``) adds search, provenance links and charts.
"""
from __future__ import annotations

import sys
from pathlib import Path

PLUGINS_DIR = Path(__file__).resolve().parent / "plugins"


def settings(*, allow_sql: bool = False) -> dict:
    return {
        "default_page_size": 50,
        # Immutable databases are otherwise offered for download whole.
        "allow_download": False,
        # Canned queries, table filters and search still work; ?sql= does not.
        "default_allow_sql": allow_sql,
        # Suggesting facets counts distinct values of every column of the rows
        # shown: seconds a table page on a large table. The configured facets
        # (db/metadata.yml) still show; ?_facet= still adds one.
        "suggest_facets": False,
    }


def datasette_metadata(db_path: str | Path) -> dict:
    """The committed configuration, for a database named after its file
    (Datasette names a database after its file; the YAML says "boardpapers")."""
    from pipeline.export import metadata

    config = metadata()
    return {**config, "databases": {Path(db_path).stem: config["databases"]["boardpapers"]}}


def serve_command(db_path: str | Path, metadata_path: str | Path, *, host: str = "127.0.0.1", port: int = 8001,
                  allow_sql: bool = False, live: bool = False) -> list[str]:
    """The ``datasette serve`` command line for ``boardpapers serve``."""
    command = [sys.executable, "-m", "datasette", "serve"]
    command += [str(db_path)] if live else ["--immutable", str(db_path)]
    command += ["--metadata", str(metadata_path), "--plugins-dir", str(PLUGINS_DIR),
                "--host", host, "--port", str(port)]
    for name, value in settings(allow_sql=allow_sql).items():
        if isinstance(value, bool):
            value = "on" if value else "off"
        command += ["--setting", name, str(value)]
    return command


def datasette_app(db_path: str | Path, *, allow_sql: bool = False, live: bool = False):
    """The same Datasette in this process (for tests: ``await app.client.get(...)``)."""
    from datasette.app import Datasette

    db_path = str(db_path)
    return Datasette([db_path] if live else [], immutables=[] if live else [db_path],
                     metadata=datasette_metadata(db_path), plugins_dir=str(PLUGINS_DIR),
                     settings=settings(allow_sql=allow_sql))

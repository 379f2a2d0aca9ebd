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


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing is listening on now."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_in_background(db: str | Path, *options: str, log_path: str | Path | None = None,
                        timeout: float = 60.0):
    """Start ``boardpapers serve`` on a free port in its own process group (it
    starts Datasette as its child: stopping the group stops both) and wait
    until it answers. Its output goes to ``log_path`` (default: beside the
    database), a file, as an unread pipe fills up and blocks the server.
    Returns ``(process, base_url)``; raises RuntimeError with the end of the
    log if it does not start within ``timeout`` seconds. For tests and
    benchmarks; ``stop_in_background`` stops it."""
    import subprocess
    import time
    import urllib.request

    db = Path(db)
    port = free_port()
    log_path = Path(log_path) if log_path else db.with_name(f"{db.name}.serve-{port}.log")
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--db", str(db), "--port",
                                    str(port), *options], cwd=Path(__file__).resolve().parent.parent,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"{base}/-/versions.json", timeout=5).read()
            return process, base
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop_in_background(process)
                raise RuntimeError(f"boardpapers serve did not start: "
                                   f"{log_path.read_text(errors='replace')[-2000:]}") from None
            time.sleep(0.1)


def stop_in_background(process) -> None:
    """Stop a ``serve_in_background`` server and its Datasette: SIGTERM to the
    group, SIGKILL if it has not gone within ten seconds."""
    import os
    import signal
    import subprocess

    for signum, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue

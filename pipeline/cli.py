"""The ``boardpapers`` command: a thin layer over the library.

Each command parses its options, calls one library function and turns the
project's errors into one-line messages that say how to fix the problem.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import click
import yaml

from db.store import DEFAULT_DB
from pipeline.errors import BoardPapersError

db_option = click.option("--db", "db_path", default=DEFAULT_DB, show_default=True,
                         type=click.Path(dir_okay=False), help="SQLite database file.")


@click.group()
@click.version_option(package_name="boardpapers")
def main() -> None:
    """Turn board papers (agenda packs, minutes, reports) into a searchable database."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@db_option
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="Refuse PDFs with more pages than this.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=None, help="Refuse files larger than this.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: on a terminal).")
@click.option("--reader", type=click.Choice(["fast", "plumber"]), default="fast", show_default=True,
              help="PDF reader: pypdfium2 for text (fast) or pdfplumber throughout; both give the same records.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes reading files in parallel (one writes the database). [default: the number of cores]")
def ingest(paths, db_path, max_pages, max_bytes, progress, reader, workers) -> None:
    """Read PDF, .txt and .md files (folders recursively) into the database.

    Re-running is safe: unchanged files are skipped, changed files replace
    their old records. Exits with status 1 if any file failed.
    """
    from tqdm import tqdm

    from pipeline.ingest import default_workers, display_name, find_input_files, ingest as run_ingest

    files = find_input_files(paths)
    show = sys.stderr.isatty() if progress is None else progress
    # Progress in bytes: files are read largest first, so a count of files
    # would crawl and then race, and its estimate of the time left with it.
    names = [display_name(path) for path in files]
    sizes: dict[str, int] = {}
    for path, name in zip(files, names):
        try:
            sizes[name] = path.stat().st_size
        except OSError:
            sizes[name] = 0
    # a file named twice is reported twice: counted twice in the total too
    bar = tqdm(total=sum(sizes[name] for name in names), unit="B", unit_scale=True,
               disable=not show or len(files) < 2, file=sys.stderr)
    try:
        report = run_ingest(files, db_path, max_pages=max_pages, max_bytes=max_bytes, reader=reader,
                            workers=workers or default_workers(),
                            on_file=lambda outcome: bar.update(sizes.get(outcome.path, 0)),
                            on_wait=lambda message: click.echo(message, err=True))
    except BoardPapersError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        bar.close()
    for line in report.summary_lines():
        click.echo(line)
    if report.failed:
        sys.exit(1)


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; 0.0.0.0 publishes to the network.")
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--allow-sql", is_flag=True, help="Let visitors run their own read-only SQL (off: named queries only).")
@click.option("--live", is_flag=True,
              help="Open the database read-only but not immutable, so that a running ingest shows up.")
def serve(db_path, host, port, allow_sql, live) -> None:
    """Publish the database with Datasette, read-only.

    Search everything at /-/search, every record linked to its page of the
    original, indicator charts at /-/boardpapers/series. The database is
    opened immutable (restart after an ingest, or use --live).
    """
    import signal

    from db.publish import datasette_metadata, serve_command

    path = Path(db_path)
    if not path.is_file():
        raise click.ClickException(f"{db_path}: no database here (run `boardpapers ingest PATH...` first)")
    _warn_if_stale(path)
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False, encoding="utf-8") as handle:
        yaml.safe_dump(datasette_metadata(path), handle, allow_unicode=True)
    command = serve_command(path, handle.name, host=host, port=port, allow_sql=allow_sql, live=live)
    mode = "live, read-only" if live else "immutable"
    click.echo(f"Serving {db_path} ({mode}; SQL {'allowed' if allow_sql else 'off'}) at http://{host}:{port}/", err=True)
    forwarded = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {signum: signal.getsignal(signum) for signum in forwarded}
    try:
        datasette = subprocess.Popen(command)
        # Stopping this command (a service manager's SIGTERM, Ctrl-C) stops Datasette too.
        for signum in forwarded:
            signal.signal(signum, lambda signum, frame: datasette.send_signal(signum))
        status = datasette.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        Path(handle.name).unlink(missing_ok=True)
    sys.exit(0 if status < 0 else status)


@main.group()
def export() -> None:
    """Write records as CSV or JSON for scripts."""


@export.command("resolutions")
@db_option
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
def export_resolutions_command(db_path, fmt, output) -> None:
    """Every resolution with its meeting, minute, clause, document and page."""
    from pipeline.export import export_resolutions

    try:
        text = export_resolutions(db_path, fmt)
    except BoardPapersError as exc:
        raise click.ClickException(str(exc)) from None
    _write(text, output)


@export.command("actions")
@db_option
@click.option("--body", default=None, help="Only this board or committee (exact name, any case).")
@click.option("--status", default=None, help="Only actions whose latest status is this (Amber, Complete …).")
@click.option("--open", "open_only", is_flag=True, help="Only actions not complete or closed.")
@click.option("--responsible", default=None, help="Only actions whose responsible officer contains this.")
@click.option("--since", default=None, help="Only actions seen on or after this date (YYYY-MM-DD).")
@click.option("--history", is_flag=True, help="One row per sighting (status history) instead of per action.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file instead of standard output.")
def export_actions_command(db_path, body, status, open_only, responsible, since, history, fmt, output) -> None:
    """Actions with their latest status, for scripts (UTF-8, RFC 4180 CSV).

    Columns: id, body, number, date_raised, date_raised_text, action,
    responsible, responsible_people, due, status, rag, is_open, listed,
    first_seen, last_seen, updates, comments, source, resolution_id,
    document, page, document_id. Nothing matching gives the header only.
    """
    from pipeline.export import export_actions

    _warn_if_stale(Path(db_path))
    try:
        text = export_actions(db_path, fmt, body=body, status=status, open_only=open_only,
                              responsible=responsible, since=since, history=history)
    except BoardPapersError as exc:
        raise click.ClickException(str(exc)) from None
    _write(text, output)


def _write(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8", newline="")
    else:
        click.echo(text, nl=False)


@main.command("eval")
@click.option("--no-real", is_flag=True, help="Skip the real papers in ../shared/real.")
@click.option("-v", "--verbose", is_flag=True, help="List missed and extra records.")
@click.option("--min-f1", type=float, default=None, help="Exit with status 1 if any seed F1 is below this.")
def eval_command(no_real, verbose, min_f1) -> None:
    """Precision, recall and F1 against hand-checked expected records."""
    from pipeline.evaluate import evaluate, report_lines

    results = evaluate(include_real=not no_real)
    for line in report_lines(results, verbose=verbose):
        click.echo(line)
    if min_f1 is not None:
        low = [(g, t, s.f1) for g, tables in results["groups"].items() if g.startswith("seed")
               for t, s in tables.items() if s.f1 < min_f1]
        if low:
            for group, table, f1 in low:
                click.echo(f"below target: {group} {table} F1 {f1:.3f} < {min_f1}", err=True)
            sys.exit(1)


def _warn_if_stale(path: Path) -> None:
    """On standard error: an ingest into ``path`` stopped before rebuilding
    what is derived from all documents (actions among it)."""
    if _derived_stale(path):
        click.echo(f"warning: the last ingest into {path} stopped before linking people, actions and agenda "
                   "items across documents; run the ingest again (unchanged files are skipped) to finish it",
                   err=True)


def _derived_stale(path: Path) -> bool:
    """Read-only: whether an ingest stopped before its end-of-run rebuild."""
    import sqlite3

    import sqlite_utils

    from db import store

    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return store.derived_stale(sqlite_utils.Database(conn))
        finally:
            conn.close()
    except sqlite3.Error:
        return False


if __name__ == "__main__":
    main()


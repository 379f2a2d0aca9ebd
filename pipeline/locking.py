"""One ingest at a time per database.

SQLite lets many readers and one writer share a database in WAL mode, but two
ingests interleaving their per-document transactions make one of them fail
with "database is locked" (a read transaction cannot be upgraded to a write
once the other writer has committed). So an ingest takes an exclusive
``flock`` on a lock file next to the database (``<db>.lock``) for its whole
run; a second ingest says it is waiting and carries on when the first is done.

Readers (Datasette, exports) never take the lock. The lock file is left in
place: deleting it while another process waits on it would let a third
process lock a new file and run alongside the second.
"""
from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; SQLite's busy timeout is all there is.
    fcntl = None

# Locks this process holds, per thread: a thread that already holds a
# database's lock (a script wrapping ``ingest()`` in ``ingest_lock``) may
# take it again without waiting for itself. Another thread still waits.
_held = threading.local()


def lock_path(db_path: str | Path) -> Path:
    """``papers.db`` -> ``papers.db.lock``, in the same folder."""
    path = Path(db_path)
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def ingest_lock(db_path: str | Path, on_wait: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold the ingest lock of the database at ``db_path`` for the ``with`` block.

    If another process (or thread) holds it, ``on_wait`` is called once with
    a message saying so, then this blocks until the other ingest finishes (or
    dies: the kernel releases a killed process's lock). Taking it again in
    the thread that holds it does nothing. Yields the lock file's path.
    """
    path = lock_path(db_path)
    held = getattr(_held, "paths", None)
    if held is None:
        held = _held.paths = set()
    key = os.path.realpath(path)
    if fcntl is None or key in held:
        yield path
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    _open_fds.add(fd)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait(f"waiting for another ingest into {db_path} to finish…")
            fcntl.flock(fd, fcntl.LOCK_EX)
        held.add(key)
        try:
            yield path
        finally:
            held.discard(key)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        _open_fds.discard(fd)
        os.close(fd)


# Lock files this process has open, so that a forked child can let go of them.
_open_fds: set[int] = set()


def close_inherited_locks() -> None:
    """In a forked child (an ingest worker): close its copies of the parent's
    lock files. A flock belongs to the open file, which the child's copy
    keeps alive: a worker outliving a killed ingest would hold its lock.
    Only closed, never unlocked: unlocking would release the parent's lock."""
    for fd in list(_open_fds):
        try:
            os.close(fd)
        except OSError:
            pass
    _open_fds.clear()

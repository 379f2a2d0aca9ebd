"""Loaded by ``datasette --plugins-dir db/plugins`` (as ``boardpapers serve`` runs
it): the hooks live in ``db/datasette_plugin.py``, importable and tested like
the rest of the library."""
from db.datasette_plugin import *  # noqa: F401,F403

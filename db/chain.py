"""The chain from an agenda item to what came of it.

Agenda item (front sheet) -> its report (the part stamped with the item's
number) -> the minute that considered it at the meeting ("A copy of the
report, marked 'Agenda Item 5', is filed with these minutes", or ModernGov's
"(Item 5)") -> that minute's resolutions -> actions arising from them.
The pack and the minutes are different documents, ingested in any order, so
the links are made here, across the whole database, after every change.
"""
from __future__ import annotations

import sqlite_utils


def link_chain(db: sqlite_utils.Database) -> None:
    db.execute("UPDATE minute_items SET agenda_item_id = NULL, report_part_id = NULL")
    db.execute("""
        UPDATE minute_items SET
          agenda_item_id = (SELECT ai.id FROM agenda_items ai
                            WHERE ai.meeting_id = minute_items.meeting_id AND ai.number = minute_items.agenda_item_ref
                            ORDER BY ai.part_id IS NULL, ai.id LIMIT 1)
        WHERE agenda_item_ref IS NOT NULL
    """)
    db.execute("""
        UPDATE minute_items SET
          report_part_id = (SELECT ai.part_id FROM agenda_items ai WHERE ai.id = minute_items.agenda_item_id)
        WHERE agenda_item_id IS NOT NULL
    """)

"""boardpapers: from board papers (PDF or text) to records in SQLite."""

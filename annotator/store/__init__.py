"""Storage: every read and write of the SQLite database, through sqlite-utils. No Flask here."""

"""Storage: one SQLite file; the schema, the writer and the only read SQL live here."""

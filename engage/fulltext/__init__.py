"""The full-text index: one table of search entries kept in step with every write, searched
through SQLite FTS5 or PostgreSQL tsvector behind one interface (`engage.fulltext.query`)."""

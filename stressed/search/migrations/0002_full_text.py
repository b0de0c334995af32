"""The full-text engine of each database: SQLite's FTS5 (an external-content table kept in
step with search_entry by triggers), or PostgreSQL's pg_trgm for fuzzy matches (its
full-text search needs nothing installed)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

FTS_CREATE = [
    """CREATE VIRTUAL TABLE search_entry_fts USING fts5(
        index_title, index_body, content='search_entry', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER search_entry_ai AFTER INSERT ON search_entry BEGIN
        INSERT INTO search_entry_fts(rowid, index_title, index_body)
        VALUES (new.id, new.index_title, new.index_body);
    END""",
    """CREATE TRIGGER search_entry_ad AFTER DELETE ON search_entry BEGIN
        INSERT INTO search_entry_fts(search_entry_fts, rowid, index_title, index_body)
        VALUES ('delete', old.id, old.index_title, old.index_body);
    END""",
    """CREATE TRIGGER search_entry_au AFTER UPDATE ON search_entry BEGIN
        INSERT INTO search_entry_fts(search_entry_fts, rowid, index_title, index_body)
        VALUES ('delete', old.id, old.index_title, old.index_body);
        INSERT INTO search_entry_fts(rowid, index_title, index_body)
        VALUES (new.id, new.index_title, new.index_body);
    END""",
]
FTS_DROP = [
    "DROP TRIGGER IF EXISTS search_entry_au",
    "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_ai",
    "DROP TABLE IF EXISTS search_entry_fts",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in FTS_CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in FTS_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    # TrigramExtension does nothing on other databases.
    operations = [TrigramExtension(), migrations.RunPython(create, drop)]

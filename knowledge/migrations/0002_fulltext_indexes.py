"""The full-text indexes, one per database: on PostgreSQL a GIN index over the tsvector that
knowledge.search computes; on SQLite an FTS5 table over SearchEntry (external content), kept in
sync by triggers, so that no write can leave the two apart."""

from django.db import migrations

POSTGRES = [
    (
        "CREATE INDEX knowledge_search_document_gin ON knowledge_searchentry "
        "USING gin (document)",
        "DROP INDEX IF EXISTS knowledge_search_document_gin",
    ),
]

SQLITE = [
    (
        "CREATE VIRTUAL TABLE knowledge_fts USING fts5(title, body, "
        "content='knowledge_searchentry', content_rowid='record_id', "
        "tokenize='porter unicode61 remove_diacritics 2')",
        "DROP TABLE IF EXISTS knowledge_fts",
    ),
    (
        "CREATE TRIGGER knowledge_fts_insert AFTER INSERT ON knowledge_searchentry BEGIN "
        "INSERT INTO knowledge_fts(rowid, title, body) VALUES (new.record_id, new.title, new.body); "
        "END",
        "DROP TRIGGER IF EXISTS knowledge_fts_insert",
    ),
    (
        "CREATE TRIGGER knowledge_fts_delete AFTER DELETE ON knowledge_searchentry BEGIN "
        "INSERT INTO knowledge_fts(knowledge_fts, rowid, title, body) "
        "VALUES ('delete', old.record_id, old.title, old.body); "
        "END",
        "DROP TRIGGER IF EXISTS knowledge_fts_delete",
    ),
    (
        "CREATE TRIGGER knowledge_fts_update AFTER UPDATE ON knowledge_searchentry BEGIN "
        "INSERT INTO knowledge_fts(knowledge_fts, rowid, title, body) "
        "VALUES ('delete', old.record_id, old.title, old.body); "
        "INSERT INTO knowledge_fts(rowid, title, body) VALUES (new.record_id, new.title, new.body); "
        "END",
        "DROP TRIGGER IF EXISTS knowledge_fts_update",
    ),
]


def _statements(vendor: str) -> list[tuple[str, str]]:
    return {"postgresql": POSTGRES, "sqlite": SQLITE}.get(vendor, [])


def forwards(apps, schema_editor):
    for create, _drop in _statements(schema_editor.connection.vendor):
        schema_editor.execute(create)
    if schema_editor.connection.vendor == "sqlite":
        # Entries written before this migration (none on a new database) join the index.
        schema_editor.execute("INSERT INTO knowledge_fts(knowledge_fts) VALUES ('rebuild')")


def backwards(apps, schema_editor):
    for _create, drop in reversed(_statements(schema_editor.connection.vendor)):
        schema_editor.execute(drop)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_records_versions_search")]

    operations = [migrations.RunPython(forwards, backwards)]

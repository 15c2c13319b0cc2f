"""Each search entry keeps its facet values as tokens (`facets`), indexed with the words: a
filtered search is then one full-text query (SQLite: an FTS5 column the reader's words never
reach; PostgreSQL: lexemes in the tsvector that no parsed query can produce), so it stops at
the newest matches instead of reading every match of a common word."""

from django.db import migrations, models

SQLITE = [
    "DROP TRIGGER IF EXISTS knowledge_fts_insert",
    "DROP TRIGGER IF EXISTS knowledge_fts_delete",
    "DROP TRIGGER IF EXISTS knowledge_fts_update",
    "DROP TABLE IF EXISTS knowledge_fts",
    "CREATE VIRTUAL TABLE knowledge_fts USING fts5(title, body, terms, facets, "
    "content='knowledge_searchentry', content_rowid='record_id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER knowledge_fts_insert AFTER INSERT ON knowledge_searchentry BEGIN "
    "INSERT INTO knowledge_fts(rowid, title, body, terms, facets) "
    "VALUES (new.record_id, new.title, new.body, new.terms, new.facets); END",
    "CREATE TRIGGER knowledge_fts_delete AFTER DELETE ON knowledge_searchentry BEGIN "
    "INSERT INTO knowledge_fts(knowledge_fts, rowid, title, body, terms, facets) "
    "VALUES ('delete', old.record_id, old.title, old.body, old.terms, old.facets); END",
    "CREATE TRIGGER knowledge_fts_update AFTER UPDATE ON knowledge_searchentry BEGIN "
    "INSERT INTO knowledge_fts(knowledge_fts, rowid, title, body, terms, facets) "
    "VALUES ('delete', old.record_id, old.title, old.body, old.terms, old.facets); "
    "INSERT INTO knowledge_fts(rowid, title, body, terms, facets) "
    "VALUES (new.record_id, new.title, new.body, new.terms, new.facets); END",
]

# Lexemes are added as they are (array_to_tsvector does not parse them).
POSTGRES = (
    "UPDATE knowledge_searchentry SET document = coalesce(document, ''::tsvector) "
    "|| array_to_tsvector(string_to_array(facets, ' ')) WHERE facets <> ''"
)


def facet_token(facet: str, value: str) -> str:
    # A copy of knowledge.search.facet_token as it was when this migration was written.
    return f"{facet}x{value.encode().hex()}x"


def forwards(apps, schema_editor):
    SearchEntry = apps.get_model("knowledge", "SearchEntry")
    RecordFacet = apps.get_model("knowledge", "RecordFacet")
    tokens: dict[int, list[str]] = {}
    for record_id, facet, value in RecordFacet.objects.values_list("record_id", "facet", "value"):
        tokens.setdefault(record_id, []).append(facet_token(facet, value))
    for entry in SearchEntry.objects.filter(record_id__in=list(tokens)).iterator():
        entry.facets = " ".join(sorted(set(tokens[entry.record_id])))
        entry.save(update_fields=["facets"])
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
        schema_editor.execute("INSERT INTO knowledge_fts(knowledge_fts) VALUES ('rebuild')")
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def backwards(apps, schema_editor):
    """SQLite: the FTS5 table of migration 0003, without the facets column."""
    if schema_editor.connection.vendor == "sqlite":
        from importlib import import_module

        for statement in import_module("knowledge.migrations.0003_search_terms").SQLITE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0003_search_terms")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="facets",
            field=models.TextField(blank=True, default=""),
        ),
        migrations.RunPython(forwards, backwards),
    ]

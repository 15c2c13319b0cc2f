"""On SQLite, keep participations in the order of their random ids, not in the order they came.

An ordinary SQLite table stores rows by a hidden rowid that grows with each insertion, so the
order of participations would be the order in which people answered; a WITHOUT ROWID table is
stored by its primary key, a random UUID. PostgreSQL needs nothing here: its anonymous responses
are reordered when they are counted (see consultations.services).

A later AlterField on this model would have Django rebuild the table in its usual form: such a
migration must run this again.
"""

from django.db import migrations

TABLE = "consultations_participation"
CREATE = f"""
CREATE TABLE "new__{TABLE}" (
    "id" char(32) NOT NULL PRIMARY KEY,
    "digest" varchar(64) NOT NULL,
    "consultation_id" bigint NOT NULL
        REFERENCES "consultations_consultation" ("id") DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT "consultations_participation_unique" UNIQUE ("consultation_id", "digest")
) WITHOUT ROWID
"""


def without_rowid(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in (
        CREATE,
        f'INSERT INTO "new__{TABLE}" ("id", "digest", "consultation_id") '
        f'SELECT "id", "digest", "consultation_id" FROM "{TABLE}" ORDER BY "id"',
        f'DROP TABLE "{TABLE}"',
        f'ALTER TABLE "new__{TABLE}" RENAME TO "{TABLE}"',
        f'CREATE INDEX "consultations_participation_consultation_id_1b3ad580" '
        f'ON "{TABLE}" ("consultation_id")',
    ):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_consultations_forms_responses_tallies")]

    operations = [migrations.RunPython(without_rowid, migrations.RunPython.noop)]

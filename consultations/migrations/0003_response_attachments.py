"""Files given in answer to image, file, audio and video questions.

On SQLite the table is rebuilt WITHOUT ROWID, as participations are (0002): files come in while
people answer, so a growing rowid would keep them, and through them their responses, in the
order in which they arrived. Stored by the random UUID instead. A later AlterField on this model
would have Django rebuild the table in its usual form: such a migration must run this again.
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

import consultations.models

TABLE = "consultations_attachment"
COLUMNS = (
    '"id", "question", "name", "file", "content_type", "size", "original_name", "received_on", '
    '"consultation_id", "response_id"'
)
CREATE = f"""
CREATE TABLE "new__{TABLE}" (
    "id" char(32) NOT NULL PRIMARY KEY,
    "question" varchar(200) NOT NULL,
    "name" varchar(60) NOT NULL UNIQUE,
    "file" varchar(200) NOT NULL,
    "content_type" varchar(100) NOT NULL,
    "size" integer unsigned NOT NULL CHECK ("size" >= 0),
    "original_name" varchar(200) NOT NULL,
    "received_on" date NOT NULL,
    "consultation_id" bigint NOT NULL
        REFERENCES "consultations_consultation" ("id") DEFERRABLE INITIALLY DEFERRED,
    "response_id" bigint NULL
        REFERENCES "consultations_response" ("id") DEFERRABLE INITIALLY DEFERRED
) WITHOUT ROWID
"""


def without_rowid(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in (
        CREATE,
        f'INSERT INTO "new__{TABLE}" ({COLUMNS}) SELECT {COLUMNS} FROM "{TABLE}" ORDER BY "id"',  # noqa: S608
        f'DROP TABLE "{TABLE}"',
        f'ALTER TABLE "new__{TABLE}" RENAME TO "{TABLE}"',
    ):
        # The indexes on consultation and response are created after this, at the end of the
        # migration, as Django defers them.
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_participation_unordered_on_sqlite")]

    operations = [
        migrations.CreateModel(
            name="Attachment",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("question", models.CharField(max_length=200, verbose_name="question")),
                ("name", models.CharField(max_length=60, unique=True, verbose_name="stored name")),
                (
                    "file",
                    models.FileField(
                        max_length=200,
                        upload_to=consultations.models._attachment_path,
                        verbose_name="file",
                    ),
                ),
                ("content_type", models.CharField(max_length=100, verbose_name="content type")),
                ("size", models.PositiveIntegerField(verbose_name="size (bytes)")),
                (
                    "original_name",
                    models.CharField(blank=True, max_length=200, verbose_name="file name"),
                ),
                ("received_on", models.DateField(verbose_name="received")),
                (
                    "consultation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="consultations.consultation",
                    ),
                ),
                (
                    "response",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="consultations.response",
                        verbose_name="response",
                    ),
                ),
            ],
            options={
                "verbose_name": "attachment",
                "verbose_name_plural": "attachments",
                "ordering": ["name"],
            },
        ),
        migrations.RunPython(without_rowid, migrations.RunPython.noop),
    ]

# Organisations (and objections, named to delegates) get a random public id. Adds the field
# without a unique index first: every existing row is given its own value in
# 0007, and the field becomes unique in 0008 (Django's way for unique fields on existing rows;
# separate migrations, so that PostgreSQL never alters a table with pending trigger events).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stakeholders", "0005_organisation_unique_public_name"),
    ]

    operations = [
        migrations.AddField(
            model_name=model,
            name="public_id",
            field=models.CharField(
                editable=False, max_length=16, null=True, verbose_name="public id"
            ),
        )
        for model in ("organisation", "objection")
    ]

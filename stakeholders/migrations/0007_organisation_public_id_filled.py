from django.db import migrations


def fill(apps, schema_editor):
    from stakeholders.models import new_public_id

    for name in ("Organisation", "Objection"):
        model = apps.get_model("stakeholders", name)
        taken: set[str] = set()
        batch = []
        for row in model.objects.filter(public_id__isnull=True).only("pk").iterator():
            value = new_public_id()
            while value in taken:
                value = new_public_id()
            taken.add(value)
            row.public_id = value
            batch.append(row)
            if len(batch) >= 500:
                model.objects.bulk_update(batch, ["public_id"])
                batch = []
        model.objects.bulk_update(batch, ["public_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("stakeholders", "0006_organisation_public_id"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]

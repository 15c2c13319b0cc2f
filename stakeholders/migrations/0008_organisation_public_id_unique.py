import stakeholders.models
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("stakeholders", "0007_organisation_public_id_filled"),
    ]

    operations = [
        migrations.AlterField(
            model_name=model,
            name="public_id",
            field=models.CharField(
                default=stakeholders.models.new_public_id,
                editable=False,
                max_length=16,
                unique=True,
                verbose_name="public id",
            ),
        )
        for model in ("organisation", "objection")
    ]

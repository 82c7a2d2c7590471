from django.db import migrations, models
from django.db.models.functions import Upper


class Migration(migrations.Migration):
    """End users by name (case-insensitive) and country, for the dossier's related cases."""

    dependencies = [
        ("applications", "0002_reference_counter"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="applicationparty",
            index=models.Index(Upper("name"), "country", name="application_party_name"),
        ),
    ]

from django.db import migrations, models


class Migration(migrations.Migration):
    """The queue's order within one authority, so the first page is read from the index."""

    dependencies = [
        ("cases", "0002_countersign_rules_restrictive_decisions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["authority", "-priority", "opened_at", "id"], name="case_queue"
            ),
        ),
    ]

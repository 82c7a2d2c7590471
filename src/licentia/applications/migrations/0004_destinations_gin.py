from typing import Any

from django.db import migrations

INDEX = "application_destinations"


def create(apps: Any, schema_editor: Any) -> None:
    """On PostgreSQL, a GIN index for the queue's destination filter (jsonb containment);
    SQLite has no such index and filters by text."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON applications_application "
            "USING gin (destinations jsonb_path_ops)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_party_name_index"),
    ]

    operations = [migrations.RunPython(create, drop)]

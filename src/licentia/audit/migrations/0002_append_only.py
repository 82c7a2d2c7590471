"""On PostgreSQL the database itself refuses to change or delete audit events.

SQLite (the embedded demo database) gets no trigger: Django's test flush empties tables with
DELETE there, and the model already refuses changes; `licentia audit verify` catches the rest.
"""

from django.db import migrations

_POSTGRES = [
    "CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'audit events are never changed or deleted'; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
]
_POSTGRES_REVERSE = [
    "DROP TRIGGER audit_event_append_only ON audit_auditevent",
    "DROP FUNCTION audit_event_append_only()",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def apply(apps, schema_editor):  # type: ignore[no-untyped-def]
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": _POSTGRES}),
            _run({"postgresql": _POSTGRES_REVERSE}),
        )
    ]

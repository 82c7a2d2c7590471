"""Query conditions the domains share, the same on PostgreSQL and SQLite."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q


def json_list_contains(field: str, value: str) -> Q:
    """Rows whose JSON list `field` holds the string `value` (a country code, say)."""
    if connection.vendor == "postgresql":
        # jsonb containment, served by a GIN index where there is one
        return Q(**{f"{field}__contains": [value]})
    # SQLite keeps the JSON text, in which each string of the list stands quoted.
    return Q(**{f"{field}__icontains": f'"{value}"'})

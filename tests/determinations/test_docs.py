"""The published JSON Schemas and the worked examples of docs/determination.md stay true."""

from __future__ import annotations

import json
import re

import pytest

from licentia.determinations import services
from licentia.determinations.cli import SchemaName, json_schema
from tests.conftest import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"
EXAMPLE = re.compile(r"<!-- example (\w+) -->\s*```json\n(.*?)```", re.S)


@pytest.mark.parametrize("name", list(SchemaName))
def test_the_published_schemas_are_up_to_date(name):
    published = (DOCS / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    assert published == json_schema(name), (
        f"docs/schemas/{name}.schema.json is out of date: run "
        f"`licentia check --schema {name} > docs/schemas/{name}.schema.json`"
    )


def test_the_worked_examples_give_the_outcomes_shown(curated):
    examples = EXAMPLE.findall((DOCS / "determination.md").read_text(encoding="utf-8"))
    assert len(examples) >= 4
    for outcome, body in examples:
        assert services.determine(data=json.loads(body))["outcome"] == outcome, body

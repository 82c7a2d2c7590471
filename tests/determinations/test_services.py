"""The determination services: the engine over stored lists, national measures, decoding."""

from __future__ import annotations

import json
import os
import re

import pytest
from django.core.exceptions import ImproperlyConfigured

from licentia.controllists import services as controls
from licentia.determinations import checks, services
from licentia.errors import InvalidInput, NotFound
from tests import factories
from tests.determinations.conftest import transaction

MEASURES = {
    "measures": [
        {
            "member_state": "DE",
            "reference": "Ausfuhrliste 5A901",
            "entries": ["5A901"],
            "valid_from": "2022-01-01",
            "publication": "OJ C 2022/100",
        }
    ]
}


def test_the_engine_is_kept_until_an_import_changes_the_lists(curated):
    first = services.engine()
    assert services.engine() is first
    controls.import_control_list(control_list=factories.next_version("2026-01-01"))
    refreshed = services.engine()
    assert refreshed is not first
    answer = services.determine(
        data=transaction(items=[{"entry": "5A001.k", "list_version": "2026-01-01"}])
    )
    assert answer["list_versions"] == ["2026-01-01"]


def test_no_list_imported_is_a_clear_error(db):
    with pytest.raises(NotFound, match="licentia setup"):
        services.determine(data=transaction())


def test_national_measures_from_the_operator_file(curated, settings, tmp_path):
    path = tmp_path / "measures.json"
    path.write_text(json.dumps(MEASURES))
    settings.LICENTIA_NATIONAL_MEASURES = str(path)
    item = {"description": "Camera system", "national_entries": ["5A901"]}
    answer = services.determine(data=transaction(items=[item]))
    assert answer["outcome"] == "LICENCE_REQUIRED"
    basis = answer["bases"][0]
    assert basis["citation"]["text"] == "Regulation (EU) 2021/821, Art 9(1)"
    assert "Ausfuhrliste 5A901" in basis["reason"]
    assert checks.national_measures_file() == []


def test_an_edited_measures_file_is_read_again(curated, settings, tmp_path):
    path = tmp_path / "measures.json"
    path.write_text(json.dumps({"measures": []}))
    settings.LICENTIA_NATIONAL_MEASURES = str(path)
    assert services.national_measures() == ()
    path.write_text(json.dumps(MEASURES))
    bump = path.stat().st_mtime_ns + 1_000_000
    os.utime(path, ns=(bump, bump))
    assert [m.reference for m in services.national_measures()] == ["Ausfuhrliste 5A901"]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "cannot be read"),
        ("{", "cannot read national measures"),
        ('{"measures": [{"member_state": "DE"}]}', "measures[0].reference"),
    ],
)
def test_a_bad_measures_file_is_an_operator_error(settings, tmp_path, content, words):
    path = tmp_path / "measures.json"
    if content is not None:
        path.write_text(content)
    settings.LICENTIA_NATIONAL_MEASURES = str(path)
    with pytest.raises(ImproperlyConfigured, match=re.escape(words)):
        services.national_measures()
    assert [e.id for e in checks.national_measures_file()] == ["licentia.determinations.E001"]


def test_documents_decode_from_json_or_yaml():
    assert services.load_document('{"a": 1}', source="FILE") == {"a": 1}
    assert services.load_document("a: 1\nb: [x]\n", source="FILE") == {"a": 1, "b": ["x"]}
    with pytest.raises(InvalidInput, match="FILE: malformed JSON") as error:
        services.load_document('{"a": ', source="FILE")
    assert error.value.details["field"] == "FILE"
    with pytest.raises(InvalidInput, match="neither JSON nor YAML"):
        services.load_document("a: [", source="FILE")
    with pytest.raises(InvalidInput, match="malformed JSON"):
        services.load_document("a: 1", source="body", allow_yaml=False)

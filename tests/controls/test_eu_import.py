"""The EU Annex I JSON importer, on the real consolidated file and on broken files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licentia.controls.importers import detect_format, parse_control_list
from licentia.controls.importers.eu_annex_json import parse_eu_annex_json
from licentia.controls.model import PATH, NoteKind, OriginRegime, ProductGroup, Regime
from licentia.errors import ImportFailed
from tests.conftest import shared_file

ANNEX_I = "controls/eu-annex-i-consolidated-2025-11-15.json"


@pytest.fixture(scope="module")
def annex_i():
    return parse_eu_annex_json(shared_file(ANNEX_I))


def test_reads_every_entry_of_the_real_file(annex_i):
    assert annex_i.regime is Regime.EU_ANNEX_I
    assert annex_i.version == "2025-11-15"
    assert len(annex_i.heads()) == 384
    assert all(PATH.match(entry.path) for entry in annex_i)
    assert annex_i.source == "EUR-Lex consolidated text 02021R0821-20251115"
    assert [g.key for g in annex_i.general_authorisations] == [f"EU00{n}" for n in range(1, 9)]


def test_regulation_facts(annex_i):
    j = annex_i.get("5A001.j")
    assert "Internet Protocol (IP) network communications surveillance" in j.text
    assert j.cyber_surveillance
    assert "Quality of Service" in next(n.text for n in j.notes if n.kind is NoteKind.DECONTROL)
    assert "IMSI" in annex_i.get("5A001.f.2").text
    assert annex_i.get("5A001.f.2").cyber_surveillance
    assert not annex_i.get("5A001.b").cyber_surveillance
    assert "mediation devices" in " ".join(n.text for n in annex_i.get("5D001.e").notes).lower()
    assert "vulnerability disclosure" in " ".join(n.text for n in annex_i.get("4E001.c").notes)
    assert "intrusion software" in annex_i.get("4E001.c").defined_terms


def test_lettered_lists_inside_a_note_stay_in_the_note(annex_i):
    # Note 2 to 5A004.b lists what it excludes as a., b., c., d.; they are not sub-entries.
    assert annex_i.get("5A004.b.2.b") is None
    note = next(n for n in annex_i.get("5A004.b.2").notes if n.text.startswith("Note 2"))
    assert note.kind is NoteKind.DECONTROL
    assert "logical data extraction" in note.text
    assert "jail-breaking" in note.text


def test_tree_and_flags(annex_i):
    entry = annex_i.get("5A001.j.1.a")
    assert entry.parent == "5A001.j.1"
    assert [a.path for a in annex_i.ancestors(entry.path)] == ["5A001", "5A001.j", "5A001.j.1"]
    assert entry.category == "5"
    assert entry.product_group is ProductGroup.A
    assert annex_i.get("1C351").origin is OriginRegime.AUSTRALIA_GROUP
    assert annex_i.get("1C351").excluded_from_general_authorisations
    assert annex_i.get("9A101").origin is OriginRegime.MTCR
    assert annex_i.get("0A001").origin is OriginRegime.NSG
    assert annex_i.get("5A001").origin is OriginRegime.WASSENAAR
    assert len(annex_i.definitions) > 100
    assert annex_i.citation("5A001.j") == (
        "5A001.j, Annex I to Regulation (EU) 2021/821 (EU dual-use list), version 2025-11-15"
    )


def test_the_same_file_gives_the_same_list(annex_i):
    again = parse_control_list(shared_file(ANNEX_I))
    assert again.checksum == annex_i.checksum
    assert again.entries == annex_i.entries
    assert detect_format(shared_file(ANNEX_I)) == "eu-annex-i-json"


def _minimal(**changes: object) -> dict[str, object]:
    document: dict[str, object] = {
        "corpus_version": "02021R0821-20990101",
        "valid_from": "2099-01-01",
        "source_url": "https://example.org/annex-i",
        "entries": [
            {
                "entry_code": "5A001",
                "verbatim_text": "5A001 Telecommunications equipment as follows:\n"
                "5A001.f Interception equipment",
            }
        ],
    }
    document.update(changes)
    return document


def _write(tmp_path: Path, content: str | bytes) -> Path:
    path = tmp_path / "annex.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def test_a_minimal_file_imports(tmp_path):
    control_list = parse_eu_annex_json(_write(tmp_path, json.dumps(_minimal())))
    assert [e.path for e in control_list] == ["5A001", "5A001.f"]
    assert control_list.get("5A001.f").cyber_surveillance


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (json.dumps(_minimal())[:-40], "malformed JSON"),
        ("[1, 2]", "expected a JSON object"),
        (json.dumps(_minimal(valid_from="2099-02-30")), "field 'valid_from'"),
        (
            json.dumps({"corpus_version": "x", "valid_from": "2099-01-01", "source_url": "u"}),
            "field 'entries'",
        ),
        (
            json.dumps(_minimal(entries=[{"entry_code": "5X001", "verbatim_text": "x"}])),
            "field 'entry_code'",
        ),
        (
            json.dumps(
                _minimal(entries=[{"entry_code": "5A001", "verbatim_text": "5A002 other entry"}])
            ),
            "entries[0].verbatim_text line 1",
        ),
    ],
)
def test_bad_files_name_the_file_position_and_field(tmp_path, content, expected):
    path = _write(tmp_path, content)
    with pytest.raises(ImportFailed) as error:
        parse_eu_annex_json(path)
    assert str(path) in str(error.value)
    assert expected in str(error.value)


def test_truncated_json_reports_line_and_column(tmp_path):
    path = _write(tmp_path, json.dumps(_minimal(), indent=1)[:-60])
    with pytest.raises(ImportFailed) as error:
        parse_eu_annex_json(path)
    assert error.value.position is not None
    assert error.value.position.startswith("line ")


def test_wrong_encoding_is_reported(tmp_path):
    path = _write(
        tmp_path,
        json.dumps(_minimal()).replace("Interception", "Intercept\u00e9").encode("latin-1"),
    )
    with pytest.raises(ImportFailed, match="not valid UTF-8") as error:
        parse_eu_annex_json(path)
    assert error.value.position is not None
    assert error.value.position.startswith("byte ")


def test_unknown_format_and_missing_file(tmp_path):
    with pytest.raises(ImportFailed, match="no such file"):
        parse_control_list(tmp_path / "absent.json")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ImportFailed, match="cannot tell the format"):
        parse_control_list(text)
    with pytest.raises(ImportFailed, match="unknown format 'pdf'"):
        parse_control_list(text, file_format="pdf")


def test_annex_iv_is_unknown_when_the_source_does_not_say(annex_i):
    assert {entry.annex_iv for entry in annex_i} == {None}

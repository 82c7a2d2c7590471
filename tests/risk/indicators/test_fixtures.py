"""Importers on small files written for these tests: other layouts, the generic CSV, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licentia.errors import ImportFailed
from licentia.risk.indicators import FORMATS, read_indicators
from licentia.risk.indicators.countries import Unmapped, resolve
from licentia.risk.model import IndicatorFile

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "risk"


def _values(result: IndicatorFile) -> dict[tuple[str, str, int], float]:
    return {(o.indicator, o.country, o.year): o.value for o in result.observations}


def _mapping() -> dict[str, object]:
    loaded: dict[str, object] = json.loads((FIXTURES / "generic-fotn.json").read_text())
    return loaded


def test_every_format_has_a_description() -> None:
    assert set(FORMATS) == {
        *("pts", "vdem", "fh-fiw", "wgi-va", "wgi-api-json", "rsf", "fariss", "generic-csv")
    }
    assert all(entry.description for entry in FORMATS.values())


def test_generic_csv_with_mapping() -> None:
    result = read_indicators(
        FIXTURES / "generic-fotn.csv", "generic-csv", column_mapping=_mapping()
    )
    assert result.edition.source == "fotn"
    assert result.edition.label == "Freedom on the Net (test fixture) 2022-2023 (generic-fotn.csv)"
    assert [i.key for i in result.indicators] == ["fotn.total", "fotn.violations"]
    assert result.indicators[0].risk(9) == pytest.approx(0.91)
    assert _values(result) == {
        ("fotn.total", "CD", 2023): 53,
        ("fotn.total", "CN", 2023): 9,
        ("fotn.total", "TR", 2022): 32,
        ("fotn.total", "TR", 2023): 31,
        ("fotn.total", "XK", 2023): 75,
        ("fotn.violations", "CD", 2023): 18,
        ("fotn.violations", "CN", 2023): 2,
        ("fotn.violations", "TR", 2022): 8,
        ("fotn.violations", "TR", 2023): 7,
        ("fotn.violations", "XK", 2023): 30,
    }
    failures = {f.name: f for f in result.failures}
    assert set(failures) == {"Yugoslavia", "Narnia"}
    assert failures["Narnia"].position == "line 10"
    assert "not in the alias table" in failures["Narnia"].reason
    assert "historical state" in failures["Yugoslavia"].reason


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"indicators": []}, "mapping.indicators"),
        ({"source": "Bad Code"}, "mapping.source"),
        ({"year": None}, "mapping.year"),
        ({"surprise": 1}, "mapping.surprise"),
        ({"delimiter": ";;"}, "mapping.delimiter"),
    ],
)
def test_generic_csv_bad_mapping(change: dict[str, object], field: str) -> None:
    mapping = {**_mapping(), **change}
    with pytest.raises(ImportFailed) as error:
        read_indicators(FIXTURES / "generic-fotn.csv", "generic-csv", column_mapping=mapping)
    assert error.value.field == field


def test_generic_csv_key_must_carry_the_source() -> None:
    mapping = _mapping()
    mapping["source"] = "other"
    with pytest.raises(ImportFailed, match="must start with 'other\\.'"):
        read_indicators(FIXTURES / "generic-fotn.csv", "generic-csv", column_mapping=mapping)


def test_generic_csv_needs_a_mapping_and_others_refuse_one() -> None:
    with pytest.raises(ImportFailed, match="needs a column mapping") as error:
        read_indicators(FIXTURES / "generic-fotn.csv", "generic-csv")
    assert error.value.field == "mapping"
    with pytest.raises(ImportFailed, match="only used by the generic-csv"):
        read_indicators(FIXTURES / "pts-truncated.csv", "pts", column_mapping=_mapping())


def test_generic_csv_missing_value_column() -> None:
    mapping = _mapping()
    mapping["indicators"] = [
        {"column": "Score", "key": "fotn.score", "title": "t", "best": 1, "worst": 0}
    ]
    with pytest.raises(ImportFailed, match="column is missing") as error:
        read_indicators(FIXTURES / "generic-fotn.csv", "generic-csv", column_mapping=mapping)
    assert (error.value.position, error.value.field) == ("line 1", "Score")


def test_rsf_2022_method_flips_the_scale() -> None:
    result = read_indicators(FIXTURES / "rsf-2022-method.csv", "rsf")
    assert [i.key for i in result.indicators] == ["rsf.score"]
    score = result.indicators[0]
    assert (score.best, score.worst) == (100, 0)
    assert _values(result)[("rsf.score", "CN", 2023)] == pytest.approx(22.97)
    assert score.risk(22.97) == pytest.approx(0.7703)


def test_vdem_digital_society_variables() -> None:
    result = read_indicators(FIXTURES / "vdem-digital-society.csv", "vdem")
    keys = [i.key for i in result.indicators]
    assert keys == [
        "vdem.v2x_libdem",
        "vdem.v2smgovfilprc",
        "vdem.v2smgovshut",
        "vdem.v2smgovsm",
        "vdem.v2smgovsmmon",
        "vdem.v2smarrest",
    ]  # bounds (_codelow) and capacity variables (v2smgovcapsec) are not read
    monitoring = next(i for i in result.indicators if i.key == "vdem.v2smgovsmmon")
    assert monitoring.risk(-3.5) == 1.0
    assert monitoring.risk(2.6) == pytest.approx(0.0667, abs=1e-3)
    values = _values(result)
    assert values[("vdem.v2smgovfilprc", "CN", 2023)] == -3.2
    assert values[("vdem.v2x_libdem", "XK", 2023)] == 0.55
    assert [f.name for f in result.failures] == ["Zanzibar / ZZB"]


def test_wgi_long_layout_reads_voice_and_accountability_only() -> None:
    result = read_indicators(FIXTURES / "wgi-long.csv", "wgi-va")
    assert _values(result) == {
        ("wgi.va", "NO", 2023): 1.78,
        ("wgi.va", "CN", 2023): -1.5,
        ("wgi.va", "XK", 2023): 0.05,
    }


def test_freedom_house_all_data_layout_with_total() -> None:
    result = read_indicators(FIXTURES / "fh-all-data.csv", "fh-fiw")
    values = _values(result)
    assert values[("fh.total", "NO", 2024)] == 100
    assert values[("fh.pr", "CN", 2024)] == 7
    assert values[("fh.cl", "CN", 2024)] == 6
    assert values[("fh.total", "CN", 2024)] == 9
    assert [f.name for f in result.failures] == ["Tibet"]


@pytest.mark.parametrize(
    ("name", "file_format", "message", "position", "field"),
    [
        ("empty.csv", "pts", "the file is empty", "line 1", None),
        ("fariss-header-only.csv", "fariss", "holds no value", "line 1", None),
        ("pts-missing-column.csv", "pts", "PTS_S score column is missing", "line 1", "PTS_S"),
        ("pts-bad-number.csv", "pts", "'five' is not a number", "line 3", "PTS_H"),
        ("pts-out-of-scale.csv", "pts", "outside the scale of pts.state", "line 3", "PTS_S"),
        ("pts-duplicate.csv", "pts", "second value of pts.amnesty for TR 2022", "line 3", "PTS_A"),
        ("pts-truncated.csv", "pts", "may be truncated", "line 4", "PTS_H"),
        ("pts-bad-year.csv", "pts", "'2022.5' is not a year", "line 2", "Year"),
        ("pts-semicolons.csv", "pts", "looks ';'-separated", "line 1", "header"),
        ("rsf-commas.csv", "rsf", "looks ','-separated", "line 1", "header"),
        ("wgi-latin1.csv", "wgi-va", "not in the expected encoding", "line 2", "encoding"),
        (
            "vdem-digital-society.csv",
            "fariss",
            "score column is missing",
            "line 1",
            "human_rights_protection",
        ),
    ],
)
def test_malformed_files_name_file_line_and_field(
    name: str, file_format: str, message: str, position: str, field: str | None
) -> None:
    with pytest.raises(ImportFailed, match=message) as error:
        read_indicators(FIXTURES / name, file_format)
    assert error.value.source == str(FIXTURES / name)
    assert (error.value.position, error.value.field) == (position, field)


def test_unknown_format_and_missing_file() -> None:
    with pytest.raises(ImportFailed, match="unknown format 'cirights'") as error:
        read_indicators(FIXTURES / "empty.csv", "cirights")
    assert error.value.field == "format"
    with pytest.raises(ImportFailed, match="no such file"):
        read_indicators(FIXTURES / "absent.csv", "pts")


def test_rsf_before_2013_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rsf.csv"
    path.write_text("Year;ISO;Country;Score\n2012;NOR;Norway;-10\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="predates RSF's 0\\.\\.100 scale") as error:
        read_indicators(path, "rsf")
    assert error.value.position == "line 2"


@pytest.mark.parametrize(
    ("name", "code", "expected"),
    [
        ("Congo, Dem. Rep.", None, "CD"),
        ("Korea, North", None, "KP"),
        ("Turkey", None, "TR"),
        ("Türkiye", None, "TR"),
        ("Kosovo", None, "XK"),
        ("bolivia, plurinational state of", None, "BO"),
        (None, "XKX", "XK"),
        ("Romania", "ROM", "RO"),
        (None, "DEU", "DE"),
        (None, "de", "DE"),
    ],
)
def test_country_aliases(name: str | None, code: str | None, expected: str) -> None:
    assert resolve(name=name, code=code) == expected


@pytest.mark.parametrize(
    ("name", "code", "reason"),
    [
        ("Yugoslavia", None, "historical"),
        ("USSR", None, "historical"),
        ("Czechoslovakia", None, "historical"),
        ("German Democratic Republic", None, "historical"),
        ("Tibet", None, "territory"),
        ("European Union", None, "group"),
        ("Germani", None, "alias table"),  # a near miss is not taken
        (None, "QQQ", "not an ISO 3166-1 code"),
        ("", None, "names no country"),
    ],
)
def test_countries_never_guessed(name: str | None, code: str | None, reason: str) -> None:
    with pytest.raises(Unmapped, match=reason):
        resolve(name=name, code=code)


def test_vdem_pse_is_a_territory_but_iso_pse_is_palestine() -> None:
    with pytest.raises(Unmapped, match="territory"):
        resolve(name="Palestine/West Bank", code="PSE", publisher="vdem")
    assert resolve(name="Palestine", code="PSE", publisher="rsf") == "PS"


def test_wgi_world_bank_api_json() -> None:
    result = read_indicators(FIXTURES / "wgi-api.json", "wgi-api-json")
    assert _values(result) == {
        ("wgi.va", "NO", 2023): pytest.approx(1.777254),
        ("wgi.va", "CN", 2023): pytest.approx(-1.504554),
        ("wgi.va", "XK", 2023): 0.05,
    }
    assert [(f.name, f.position) for f in result.failures] == [
        ("Netherlands Antilles (former) / ANT", "record 4")
    ]


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ('[{"page": 1}, [{"indicator": {"id": "VA.EST"}', "may be truncated", "line 1 column 46"),
        ('[{"message": [{"key": "Invalid value"}]}]', "answered an error", None),
        (
            '[{"page": 1}, [{"indicator": {"id": "PV.EST"}, "date": "2023", "value": 1}]]',
            "not VA.EST",
            "record 1",
        ),
        (
            '[{"page": 1}, [{"indicator": {"id": "VA.EST"}, "countryiso3code": "NOR", '
            '"date": "2023", "value": "high"}]]',
            "'high' is not a number",
            "record 1",
        ),
    ],
)
def test_wgi_api_json_bad_input(
    tmp_path: Path, text: str, message: str, position: str | None
) -> None:
    path = tmp_path / "va.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFailed, match=message) as error:
        read_indicators(path, "wgi-api-json")
    assert error.value.position == position

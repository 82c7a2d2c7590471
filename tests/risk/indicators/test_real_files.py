"""The importers on the publishers' real files in ../shared/data/human-rights."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from licentia.risk.indicators import read_indicators
from licentia.risk.model import IndicatorFile
from tests.conftest import shared_file

HR = "human-rights/"


def _value(result: IndicatorFile, key: str, country: str, year: int) -> float | None:
    found = [
        o.value
        for o in result.observations
        if (o.indicator, o.country, o.year) == (key, country, year)
    ]
    assert len(found) <= 1
    return found[0] if found else None


def _failed(result: IndicatorFile) -> set[str]:
    return {failure.name for failure in result.failures}


def test_pts() -> None:
    path = shared_file(HR + "pts-2024.csv")
    result = read_indicators(path, "pts", retrieved_on=dt.date(2025, 1, 10))
    assert [i.key for i in result.indicators] == ["pts.amnesty", "pts.hrw", "pts.state"]
    assert len(result.observations) == 15683
    assert result.edition.source == "pts"
    assert result.edition.label == "Political Terror Scale 1976-2023 (pts-2024.csv)"
    assert result.edition.retrieved_on == dt.date(2025, 1, 10)
    assert result.edition.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "politicalterrorscale.org" in result.edition.url
    # Known values (codebook examples): China 4/4/5, Egypt 4/3/4, Sudan 5/5/5, Madagascar 2/NA/4.
    assert [_value(result, k, "CN", 2022) for k in ("pts.amnesty", "pts.hrw", "pts.state")] == [
        4,
        4,
        5,
    ]
    assert [_value(result, k, "MG", 2022) for k in ("pts.amnesty", "pts.hrw", "pts.state")] == [
        2,
        None,
        4,
    ]
    # "Türkiye" is written in Windows-1252 by the publisher.
    assert _value(result, "pts.amnesty", "TR", 2022) is not None
    assert {"Soviet Union", "Czechoslovakia", "German Democratic Republic", "European Union"} <= (
        _failed(result)
    )
    assert "RU" in {o.country for o in result.observations}
    ussr = next(f for f in result.failures if f.name == "Soviet Union")
    assert ussr.position.startswith("line ")
    assert "historical state" in ussr.reason


def test_vdem() -> None:
    result = read_indicators(shared_file(HR + "vdem-v14-main-indices-1990-2023.csv"), "vdem")
    keys = [i.key for i in result.indicators]
    assert keys == [
        "vdem.v2x_polyarchy",
        "vdem.v2x_libdem",
        "vdem.v2x_partipdem",
        "vdem.v2x_delibdem",
        "vdem.v2x_egaldem",
        "vdem.v2x_api",
        "vdem.v2x_mpi",
    ]
    libdem = next(i for i in result.indicators if i.key == "vdem.v2x_libdem")
    assert (libdem.best, libdem.worst) == (1.0, 0.0)
    assert len(result.observations) == 42520
    assert _value(result, "vdem.v2x_polyarchy", "MX", 1990) == pytest.approx(0.389)
    assert _value(result, "vdem.v2x_libdem", "MX", 1990) == pytest.approx(0.188)
    assert _value(result, "vdem.v2x_libdem", "XK", 2020) is not None  # XKX is Kosovo
    assert _value(result, "vdem.v2x_libdem", "TL", 1990) is None  # empty cell in the file
    assert _failed(result) == {
        "South Yemen / YMD",
        "German Democratic Republic / DDR",
        "Palestine/West Bank / PSE",
        "Palestine/Gaza / PSG",
        "Somaliland / SML",
        "Zanzibar / ZZB",
    }


def test_freedom_house() -> None:
    result = read_indicators(shared_file(HR + "freedom-house-fiw-ratings-1972-2024.csv"), "fh-fiw")
    # fh_total in this file is PR + CL (2..14), not the 0..100 score: not imported as fh.total.
    assert [i.key for i in result.indicators] == ["fh.pr", "fh.cl"]
    assert len(result.observations) == 18910
    assert (_value(result, "fh.pr", "NO", 2024), _value(result, "fh.cl", "NO", 2024)) == (1, 1)
    assert _value(result, "fh.pr", "AF", 1972) == 4
    assert _value(result, "fh.cl", "AF", 1972) == 5
    assert _value(result, "fh.pr", "CD", 2024) is not None  # "Congo (Kinshasa)"
    assert _value(result, "fh.pr", "XK", 2024) is not None
    failed = _failed(result)
    assert {"USSR", "Yugoslavia", "Czechoslovakia", "East Germany", "Germany, W."} <= failed
    assert {"Tibet", "Crimea", "Northern Cyprus", "Somaliland"} <= failed
    assert _value(result, "fh.pr", "DE", 1980) is None  # West Germany is not Germany's past


def test_wgi() -> None:
    result = read_indicators(shared_file(HR + "wgi-voice-accountability-1996-2023.csv"), "wgi-va")
    assert [i.key for i in result.indicators] == ["wgi.va"]
    assert len(result.observations) == 5170
    assert _value(result, "wgi.va", "NO", 2023) == pytest.approx(1.777254)
    assert _value(result, "wgi.va", "CN", 2023) == pytest.approx(-1.504554)
    assert _value(result, "wgi.va", "AF", 1996) == pytest.approx(-1.908540)
    assert _value(result, "wgi.va", "RO", 2023) is not None  # World Bank code ROM
    assert _value(result, "wgi.va", "CD", 2023) is not None  # ZAR
    assert _value(result, "wgi.va", "XK", 2023) is not None  # KSV
    assert _value(result, "wgi.va", "PS", 2023) is not None  # WBG
    assert _failed(result) == {"Netherlands Antilles (former) / ANT"}


def test_rsf_2013_2021_method() -> None:
    result = read_indicators(shared_file(HR + "rsf-press-freedom-2014-2021.csv"), "rsf")
    assert [i.key for i in result.indicators] == ["rsf.score_2013"]
    indicator = result.indicators[0]
    assert (indicator.best, indicator.worst) == (0, 100)
    assert len(result.observations) == 1424
    assert _value(result, "rsf.score_2013", "NO", 2021) == pytest.approx(6.72)
    assert indicator.risk(6.72) == pytest.approx(0.0672)
    assert _value(result, "rsf.score_2013", "XK", 2021) is not None  # XKO
    assert _failed(result) == {"OECS / XCD", "Cyprus North / CTU"}


def test_fariss() -> None:
    result = read_indicators(
        shared_file(HR + "fariss-human-rights-protection-1946-2019.csv"), "fariss"
    )
    assert len(result.observations) == 11180
    assert _value(result, "fariss.hrp", "AF", 1946) == pytest.approx(0.829404647601684)
    assert _value(result, "fariss.hrp", "TR", 2019) is not None  # "Turkey"
    indicator = result.indicators[0]
    assert indicator.risk(_value(result, "fariss.hrp", "NO", 2019) or 0) < 0.1
    assert indicator.risk(_value(result, "fariss.hrp", "SD", 2019) or 0) > 0.9
    assert _failed(result) == {
        "German Democratic Republic",
        "Republic of Vietnam",
        "Yemen People's Republic",
        "Zanzibar",
    }

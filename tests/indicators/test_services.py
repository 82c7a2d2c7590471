"""Stored editions: atomic imports, one active edition per source, the store, country views."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from licentia.errors import ImportFailed, InvalidInput
from licentia.indicators import services
from licentia.indicators.models import EditionStatus, IndicatorEdition, IndicatorValue
from licentia.risk.model import IndicatorStore
from tests.conftest import shared_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "risk"

pytestmark = pytest.mark.django_db


def test_import_real_pts_file_and_read_the_store() -> None:
    path = shared_file("human-rights/pts-2024.csv")
    result = services.import_indicators(path, "pts", retrieved_on=dt.date(2025, 1, 10))
    assert result.created
    edition = result.edition
    assert (edition.status, edition.value_count, edition.first_year, edition.last_year) == (
        "active",
        15683,
        1976,
        2023,
    )
    ussr = next(f for f in edition.failures if f["name"] == "Soviet Union")
    assert "historical state" in ussr["reason"]
    store: IndicatorStore = services.store()
    assert [i.key for i in store.indicators()] == ["pts.amnesty", "pts.hrw", "pts.state"]
    series = store.series("pts.state", "EG")
    assert [o.year for o in series] == sorted(o.year for o in series)
    latest = series[-1]
    assert latest.year == 2023
    assert [o.value for o in store.series("pts.amnesty", "CN") if o.year == 2022] == [4]
    assert latest.edition.checksum == edition.checksum
    assert latest.edition.retrieved_on == dt.date(2025, 1, 10)
    # Madagascar 2022 is NA in the HRW column: no value, not a zero.
    assert 2022 not in {o.year for o in store.series("pts.hrw", "MG")}
    assert 2022 in {o.year for o in store.series("pts.state", "MG")}
    assert store.series("pts.amnesty", "ZZ") == ()


def test_same_checksum_changes_nothing_and_new_edition_supersedes() -> None:
    first = services.import_indicators(FIXTURES / "rsf-2022-method.csv", "rsf")
    again = services.import_indicators(FIXTURES / "rsf-2022-method.csv", "rsf")
    assert not again.created
    assert again.edition.pk == first.edition.pk
    assert "nothing changed" in again.summary()
    assert IndicatorEdition.objects.count() == 1
    before = services.store()
    assert services.store() is before  # cached while the active set is the same
    second = services.import_indicators(
        shared_file("human-rights/rsf-press-freedom-2014-2021.csv"), "rsf"
    )
    assert second.created
    first.edition.refresh_from_db()
    assert first.edition.status == EditionStatus.SUPERSEDED.value
    assert second.edition.previous_id == first.edition.pk
    assert services.active_editions() == {"rsf": second.edition}
    after = services.store()
    assert after is not before
    assert [i.key for i in after.indicators()] == ["rsf.score_2013"]
    assert after.series("rsf.score", "CN") == ()


def test_a_failed_import_writes_nothing_and_keeps_the_active_edition() -> None:
    good = services.import_indicators(FIXTURES / "wgi-long.csv", "wgi-va").edition
    with pytest.raises(ImportFailed, match="not in the expected encoding"):
        services.import_indicators(FIXTURES / "wgi-latin1.csv", "wgi-va")
    assert list(IndicatorEdition.objects.all()) == [good]
    assert services.active_editions() == {"wgi": good}
    assert IndicatorValue.objects.count() == 3


def test_a_database_error_midway_rolls_everything_back(monkeypatch: pytest.MonkeyPatch) -> None:
    good = services.import_indicators(FIXTURES / "wgi-long.csv", "wgi-va").edition

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.IndicatorValue.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        services.import_indicators(FIXTURES / "wgi-api.json", "wgi-api-json")
    assert list(IndicatorEdition.objects.all()) == [good]
    good.refresh_from_db()
    assert good.status == "active"


def test_generic_csv_and_country_series() -> None:
    mapping = json.loads((FIXTURES / "generic-fotn.json").read_text())
    services.import_indicators(FIXTURES / "generic-fotn.csv", "generic-csv", column_mapping=mapping)
    services.import_indicators(FIXTURES / "wgi-long.csv", "wgi-va")
    china = services.country_series("CHN")
    assert (china.code, china.name) == ("CN", "China")
    assert [h.indicator.key for h in china.with_data] == [
        "fotn.total",
        "fotn.violations",
        "wgi.va",
    ]
    assert china.with_data[0].edition is not None
    assert china.with_data[0].edition.licence.startswith("Freedom House terms")
    norway = services.country_series("no")
    assert [h.indicator.key for h in norway.without_data] == ["fotn.total", "fotn.violations"]
    kosovo = services.country_series("XK")
    assert kosovo.name == "Kosovo"
    assert len(kosovo.with_data) == 3
    with pytest.raises(InvalidInput, match="Unknown country code"):
        services.country_series("QQ")
    covered = {c.code: c.indicators for c in services.countries()}
    assert (covered["CN"], covered["NO"], covered["XK"], covered["FR"]) == (3, 1, 3, 0)


def test_state_machine_refuses_backward_moves() -> None:
    edition = services.import_indicators(FIXTURES / "wgi-long.csv", "wgi-va").edition
    with pytest.raises(InvalidInput, match="cannot go from active to importing"):
        services.transition(edition, EditionStatus.IMPORTING)

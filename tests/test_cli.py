"""The `licentia` command, run in-process against the test database."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from licentia.cli import app
from licentia.controllists.models import ControlListVersion
from tests.conftest import shared_file

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False, terminal_width=200)
    return result.exit_code, result.output


def test_setup_search_show_and_classify():
    code, output = run("setup")
    assert code == 0
    assert "curated excerpt" in output

    code, output = run("controls", "search", "imsi catcher")
    assert code == 0
    assert "5A001.f.2" in output

    code, output = run("controls", "show", "5A001.j")
    assert code == 0
    assert "Note to 5A001.j" in output
    assert "cyber-surveillance item" in output

    code, output = run("classify", "fake base station capturing IMSI of phones nearby")
    assert code == 0
    assert "5A001.f.2" in output


def test_unknown_code_names_the_closest_and_exits_2():
    run("setup")
    code, output = run("controls", "show", "5A001.zz")
    assert code == 2
    assert "closest" in output


def test_import_twice_then_diff():
    run("setup")
    path = str(shared_file("controls/eu-annex-i-consolidated-2025-11-15.json"))
    code, output = run("controls", "import", path)
    assert code == 0
    assert "3420 entries" in output
    code, output = run("controls", "import", path)
    assert code == 0
    assert "nothing changed" in output
    assert ControlListVersion.objects.filter(excerpt=False).count() == 1


def test_bad_file_exits_2_and_writes_nothing(tmp_path):
    run("setup")
    broken = tmp_path / "annex.json"
    broken.write_text(
        '{"corpus_version": "x", "valid_from": "2030-01-01", "source_url": "u", "entries": ['
    )
    code, output = run("controls", "import", str(broken))
    assert code == 2
    assert "malformed JSON" in output
    assert ControlListVersion.objects.count() == 1


def test_import_the_us_list_as_a_second_regime():
    run("setup")
    path = str(shared_file("controls/us-ccl-part774-supp1.xml"))
    code, output = run("controls", "import", path)
    assert code == 2
    assert "version" in output
    code, output = run("controls", "import", path, "--version", "2026-01-01")
    assert code == 0
    code, output = run("controls", "show", "5A001", "--regime", "us-ccl")
    assert code == 0
    assert "corresponding codes: 5A001" in output

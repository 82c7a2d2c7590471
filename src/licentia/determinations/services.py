"""Licence determination over the stored control lists: parse, determine, document.

The rule engine (`licentia.rules`) is pure; this module feeds it every stored version of
Annex I and the operator's national measures, and keeps the built engine until an import
changes the stored versions or the measures file changes.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from licentia.controllists import services as controls
from licentia.controllists.models import ControlListVersion
from licentia.controls.model import Regime
from licentia.errors import InvalidInput, NotFound
from licentia.rules.engine import RuleEngine
from licentia.rules.law import NationalMeasure
from licentia.rules.schema import document, load_national_measures, parse_transaction

NO_LIST_MESSAGE = (
    "no version of the EU control list (Annex I to Regulation (EU) 2021/821) is imported, so "
    "listed items cannot be looked up; an operator must run `licentia setup` (curated excerpt) "
    "or `licentia controls import FILE`"
)


def determine(*, data: object) -> dict[str, Any]:
    """The determination document for a transaction document (decoded JSON or YAML).

    Raises `InvalidInput` naming the field at fault, or `NotFound` when no list is imported.
    """
    transaction = parse_transaction(data)
    return document(engine().determine(transaction))


def engine() -> RuleEngine:
    """The rule engine over every stored Annex I version and the national measures."""
    versions = controls.list_versions(regime=Regime.EU_ANNEX_I)
    if not versions:
        raise NotFound(NO_LIST_MESSAGE)
    return _engine(tuple((v.pk, v.checksum) for v in versions), _measures_key())


def national_measures() -> tuple[NationalMeasure, ...]:
    """The measures in the file `LICENTIA_NATIONAL_MEASURES` names (none when unset)."""
    key = _measures_key()
    return () if key is None else _measures(*key)


def load_document(text: str, *, source: str, allow_yaml: bool = True) -> object:
    """Decoded JSON (or YAML, when allowed and the text is not JSON); `InvalidInput` naming
    `source` when it cannot be decoded."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        if not allow_yaml or text.lstrip().startswith(("{", "[")):
            raise InvalidInput(
                f"{source}: malformed JSON: {error.msg} at line {error.lineno} column {error.colno}",
                details={"field": source},
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidInput(
            f"{source}: neither JSON nor YAML: {error}", details={"field": source}
        ) from None


def _measures_key() -> tuple[str, int] | None:
    """The measures file and its modification time, so an edited file is read again."""
    name = getattr(settings, "LICENTIA_NATIONAL_MEASURES", "")
    if not name:
        return None
    path = Path(name)
    try:
        return str(path), path.stat().st_mtime_ns
    except OSError as error:
        raise ImproperlyConfigured(
            f"LICENTIA_NATIONAL_MEASURES names {path}, which cannot be read: {error.strerror}"
        ) from None


@lru_cache(maxsize=2)
def _measures(path: str, mtime_ns: int) -> tuple[NationalMeasure, ...]:
    try:
        return load_national_measures(Path(path))
    except InvalidInput as error:
        raise ImproperlyConfigured(f"LICENTIA_NATIONAL_MEASURES: {error.message}") from None


@lru_cache(maxsize=2)
def _engine(versions: tuple[tuple[int, str], ...], measures: tuple[str, int] | None) -> RuleEngine:
    stored = ControlListVersion.objects.in_bulk([pk for pk, _ in versions])
    return RuleEngine(
        [controls.core_list(list_version=stored[pk]) for pk, _ in versions],
        () if measures is None else _measures(*measures),
    )

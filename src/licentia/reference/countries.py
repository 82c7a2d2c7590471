"""ISO 3166-1 countries, read from `pycountry`, with the EU's own country codes accepted.

EU documents (the Official Journal, the Dual-Use e-System, Commission notices) write Greece as
`EL` and the United Kingdom as `UK`; ISO 3166-1 has `GR` and `GB`. Licentia stores ISO codes
and accepts both spellings on input; `eu_code` gives the EU spelling back for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pycountry
from rapidfuzz import fuzz, utils

from licentia.errors import InvalidInput

# The EU's interinstitutional style guide departs from ISO 3166-1 for these two countries only.
_EU_TO_ISO = {"EL": "GR", "UK": "GB"}
_ISO_TO_EU = {iso: eu for eu, iso in _EU_TO_ISO.items()}
# Kosovo has no ISO 3166-1 code; the EU, the World Bank and most data publishers use XK/XKX.
_KOSOVO = ("XK", "XKX", "Kosovo", "Republic of Kosovo")

_MAX_SUGGESTIONS = 5
# Below this rapidfuzz score a "suggestion" is noise (e.g. any two-letter code for "12345").
_SUGGESTION_CUTOFF = 50.0


@dataclass(frozen=True, slots=True)
class Country:
    """One ISO 3166-1 country. `name` is the ISO short name, `official_name` the full one."""

    alpha2: str
    alpha3: str
    name: str
    official_name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.alpha2})"


@dataclass(frozen=True, slots=True)
class _Labels:
    """What a user might type for one country, pre-processed for fuzzy scoring."""

    country: Country
    codes: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Index:
    countries: tuple[Country, ...]
    by_code: dict[str, Country]
    by_name: dict[str, Country]
    labels: tuple[_Labels, ...]


def _normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())


def _names_of(record: object) -> tuple[str, ...]:
    """The ISO short name, official name and common name a pycountry record has, deduplicated."""
    found = (getattr(record, attr, None) for attr in ("name", "official_name", "common_name"))
    return tuple(dict.fromkeys(str(name) for name in found if name))


@cache
def _index() -> _Index:
    countries: list[Country] = []
    by_code: dict[str, Country] = {}
    by_name: dict[str, Country] = {}
    labels: list[_Labels] = []
    records = [
        (str(r.alpha_2), str(r.alpha_3), _names_of(r), getattr(r, "official_name", None))
        for r in pycountry.countries
    ]
    records.append((_KOSOVO[0], _KOSOVO[1], _KOSOVO[2:], _KOSOVO[3]))
    for alpha2, alpha3, names, official_name in records:
        country = Country(
            alpha2=alpha2,
            alpha3=alpha3,
            name=names[0],
            official_name=str(official_name or names[0]),
        )
        codes = (alpha2, alpha3, *((_ISO_TO_EU[alpha2],) if alpha2 in _ISO_TO_EU else ()))
        countries.append(country)
        by_code.update(dict.fromkeys(codes, country))
        by_name.update(dict.fromkeys(map(_normalise_name, names), country))
        labels.append(
            _Labels(
                country,
                tuple(map(utils.default_process, codes)),
                tuple(map(utils.default_process, names)),
            )
        )
    countries.sort(key=lambda c: c.alpha2)
    return _Index(tuple(countries), by_code, by_name, tuple(labels))


def _suggestions(query: str) -> list[Country]:
    """The countries whose codes or names are closest to `query`, best first.

    Codes are scored by plain edit ratio; names by WRatio, which also rewards a partial match
    such as "GER" in "Germany".
    """
    processed = utils.default_process(query)
    if not processed:
        return []
    scored: list[tuple[float, Country]] = []
    for entry in _index().labels:
        score = max(
            max(fuzz.ratio(processed, code) for code in entry.codes),
            max(fuzz.WRatio(processed, name) for name in entry.names),
        )
        if score >= _SUGGESTION_CUTOFF:
            scored.append((score, entry.country))
    scored.sort(key=lambda pair: (-pair[0], pair[1].alpha2))
    return [country for _, country in scored[:_MAX_SUGGESTIONS]]


def _did_you_mean(query: str) -> tuple[str, list[str]]:
    """A message tail listing suggestions, and their alpha-2 codes for `details`."""
    suggestions = _suggestions(query)
    if not suggestions:
        return "No similar country code or name was found.", []
    listed = ", ".join(f"{c.alpha2} ({c.name})" for c in suggestions)
    return f"Did you mean: {listed}?", [c.alpha2 for c in suggestions]


def country(code: str) -> Country:
    """The country with this ISO alpha-2 or alpha-3 code, or EU code (`EL`, `UK`).

    Case and surrounding whitespace are ignored. Raises `InvalidInput` naming the code and
    listing the closest codes and names when it is unknown.
    """
    key = code.strip().upper()
    if not key:
        raise InvalidInput("A country code is required (ISO 3166-1 alpha-2 or alpha-3).")
    found = _index().by_code.get(key)
    if found is None:
        hint, suggested = _did_you_mean(key)
        raise InvalidInput(
            f"Unknown country code {code.strip()!r}. {hint}",
            details={"code": code, "suggestions": suggested},
        )
    return found


def country_by_name(name: str) -> Country:
    """The country whose ISO short, official or common name is exactly `name`.

    Matching ignores case and repeated whitespace only; a near miss is never taken as a match,
    it raises `InvalidInput` whose message lists the closest names.
    """
    found = _index().by_name.get(_normalise_name(name))
    if found is None:
        hint, suggested = _did_you_mean(name)
        raise InvalidInput(
            f"No country is named {name.strip()!r}. {hint}",
            details={"name": name, "suggestions": suggested},
        )
    return found


def eu_code(code: str) -> str:
    """The code EU documents use for this country: `EL` for Greece, `UK` for the UK, else ISO."""
    alpha2 = country(code).alpha2
    return _ISO_TO_EU.get(alpha2, alpha2)


def all_countries() -> list[Country]:
    """Every ISO 3166-1 country, ordered by alpha-2 code."""
    return list(_index().countries)

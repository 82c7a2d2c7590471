"""Publishers' country names and codes to ISO 3166-1 alpha-2, by table, never by resemblance.

A row's country is resolved in this order:

1. its code, when the publisher gives one (V-Dem `country_text_id`, WGI `wb_code`, RSF `ISO`):
   the exceptions below first (publisher codes that are not ISO alpha-3), then ISO alpha-3;
2. its name: historical states, sub-national units and territories without an ISO code, and
   groups are *failures* with the reason; then the alias table of publisher spellings; then
   an exact ISO 3166-1 short, official or common name (`licentia.reference.countries`).

Anything else is a failure too. Historical states (the USSR, Yugoslavia, Czechoslovakia, the
GDR, West Germany, the two Yemens and Vietnams before unification, Serbia and Montenegro) are
never mapped to a successor: their values describe another state. Kosovo has no ISO 3166-1
code; Licentia uses the user-assigned `XK` that the EU and the World Bank use.
"""

from __future__ import annotations

from licentia.errors import InvalidInput
from licentia.reference.countries import country, country_by_name

KOSOVO = "XK"  # licentia.reference.countries knows it beside the ISO codes

HISTORICAL = "a historical state with no ISO 3166-1 code today; not mapped to a successor"
TERRITORY = "a territory or sub-national unit without an ISO 3166-1 code of its own"
GROUP = "a group of countries, not a country"

# Publisher codes that are not ISO 3166-1 alpha-3 (World Bank, V-Dem, RSF), to alpha-2.
CODE_ALIASES = {
    "ADO": "AD",  # World Bank: Andorra
    "KSV": KOSOVO,  # World Bank
    "XKX": KOSOVO,  # V-Dem
    "XKO": KOSOVO,  # RSF
    "ROM": "RO",  # World Bank: Romania (ISO ROU)
    "TMP": "TL",  # World Bank: Timor-Leste (ISO TLS)
    "WBG": "PS",  # World Bank: West Bank and Gaza, i.e. the whole of Palestine
    "ZAR": "CD",  # World Bank: Congo, Dem. Rep. (ISO COD)
}
# Publisher codes that stand for no ISO country, with why.
CODE_FAILURES = {
    "ANT": HISTORICAL,  # Netherlands Antilles, dissolved 2010
    "CTU": TERRITORY,  # RSF: Northern Cyprus
    "DDR": HISTORICAL,  # V-Dem: German Democratic Republic
    "PSG": TERRITORY,  # V-Dem: Palestine/Gaza
    "SML": TERRITORY,  # V-Dem: Somaliland
    "XCD": GROUP,  # RSF: Organisation of Eastern Caribbean States
    "YMD": HISTORICAL,  # V-Dem: South Yemen
    "ZZB": TERRITORY,  # V-Dem: Zanzibar
}
# Codes that mean something else at one publisher than in ISO 3166-1.
PUBLISHER_CODE_FAILURES = {
    # V-Dem's PSE is "Palestine/West Bank", one of its two Palestinian units, not all of PS.
    ("vdem", "PSE"): TERRITORY,
}

# Names that stand for no ISO country, with why (compared case-insensitively).
NAME_FAILURES = {
    **dict.fromkeys(
        (
            "Czechoslovakia",
            "East Germany",
            "German Democratic Republic",
            "German Federal Republic",
            "Germany, W.",
            "West Germany",
            "Netherlands Antilles (former)",
            "Republic of Vietnam",
            "Serbia and Montenegro",
            "South Vietnam",
            "South Yemen",
            "Soviet Union",
            "USSR",
            "Vietnam, N.",
            "Yemen Arab Republic",
            "Yemen People's Republic",
            "Yemen, N.",
            "Yugoslavia",
            "Yugoslavia, Federal Republic of",
            "Yugoslavia, Socialist Federal Republic of",
        ),
        HISTORICAL,
    ),
    **dict.fromkeys(
        (
            "Abkhazia",
            "Chechnya",
            "Crimea",
            "Cyprus North",
            "Eastern Donbas",
            "Gaza (Hamas)",
            "Gaza Strip",
            "Indian Kashmir",
            "Israel in Occupied Territories",
            "Israel in pre-1967 borders",
            "Israeli-Occupied Territories",
            "Kurdistan",
            "Nagorno-Karabakh",
            "Northern Cyprus",
            "Northern Ireland",
            "Pakistani Kashmir",
            "Palestine/Gaza",
            "Palestine/West Bank",
            "Palestinian Authority-Administered Territories",
            "Russia-Occupied Areas (Ukraine)",
            "Russian-Occupied Territories of Ukraine",
            "Somaliland",
            "South Ossetia",
            "Tibet",
            "Transnistria",
            "West Bank",
            "West Papua",
            "Zanzibar",
        ),
        TERRITORY,
    ),
    **dict.fromkeys(("European Union", "OECS"), GROUP),
}

# Publishers' spellings of countries that the ISO names do not cover, to alpha-2.
ALIASES = {
    "Bahamas, The": "BS",
    "Brunei": "BN",
    "Burma": "MM",
    "Burma/Myanmar": "MM",
    "Cape Verde": "CV",
    "Congo (Brazzaville)": "CG",
    "Congo (Kinshasa)": "CD",
    "Congo, Dem. Rep.": "CD",
    "Congo, Rep.": "CG",
    "Cote d'Ivoire": "CI",
    "Democratic Republic of Congo": "CD",
    "Democratic Republic of the Congo": "CD",
    "East Timor": "TL",
    "Egypt, Arab Rep.": "EG",
    "Gambia, The": "GM",
    "Hong Kong SAR, China": "HK",
    "Iran, Islamic Rep.": "IR",
    "Islamic Republic of Iran": "IR",
    "Ivory Coast": "CI",
    "Korea, Dem. Rep.": "KP",
    "Korea, North": "KP",
    "Korea, Rep.": "KR",
    "Korea, South": "KR",
    "Kyrgyz Republic": "KG",
    "Lao PDR": "LA",
    "Macao SAR, China": "MO",
    "Macedonia": "MK",
    "Micronesia": "FM",
    "Micronesia, Fed. Sts.": "FM",
    "Republic of the Congo": "CG",
    "Russia": "RU",
    "Slovak Republic": "SK",
    "St. Kitts and Nevis": "KN",
    "St. Lucia": "LC",
    "St. Vincent and the Grenadines": "VC",
    "Swaziland": "SZ",
    "São Tomé and Principe": "ST",
    "Taiwan, China": "TW",
    "The Democratic Republic Of The Congo": "CD",
    "The Gambia": "GM",
    "Timor": "TL",
    "Turkey": "TR",
    "United States of America": "US",
    "Venezuela, RB": "VE",
    "West Bank and Gaza": "PS",
    "West Bank and Gaza Strip": "PS",
    "Yemen, Rep.": "YE",
}


class Unmapped(Exception):
    """A row's country has no ISO code; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


_NAME_FAILURES = {_fold(name): reason for name, reason in NAME_FAILURES.items()}
_ALIASES = {_fold(name): code for name, code in ALIASES.items()}


def resolve(*, name: str | None, code: str | None = None, publisher: str = "") -> str:
    """The ISO alpha-2 code (or `XK`) of a publisher's country; raises `Unmapped` otherwise."""
    if code:
        key = code.strip().upper()
        reason = PUBLISHER_CODE_FAILURES.get((publisher, key)) or CODE_FAILURES.get(key)
        if reason is not None:
            raise Unmapped(reason)
        if key in CODE_ALIASES:
            return CODE_ALIASES[key]
        if len(key) in (2, 3) and key.isalpha():
            try:
                return country(key).alpha2
            except InvalidInput:
                pass
        if not name:
            raise Unmapped(f"{code!r} is not an ISO 3166-1 code or a known exception")
    if not name or not name.strip():
        raise Unmapped("the row names no country")
    folded = _fold(name)
    reason = _NAME_FAILURES.get(folded)
    if reason is not None:
        raise Unmapped(reason)
    if folded in _ALIASES:
        return _ALIASES[folded]
    try:
        return country_by_name(name).alpha2
    except InvalidInput:
        raise Unmapped(
            "no ISO 3166-1 country has this name and it is not in the alias table"
        ) from None


def country_name(code: str) -> str:
    """The name to show for a stored code: the ISO short name, or Kosovo for `XK`."""
    return country(code).name

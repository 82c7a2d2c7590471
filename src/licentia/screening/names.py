"""Name analysis: from a raw name to the parts, keys and forms the index and the scorer use.

Built on rigour (the OpenSanctions name library): its analyser strips honorifics, rewrites
company legal forms to one compare form ("Aktiengesellschaft", "AG" -> `ag`, symbol JSC;
"ООО" -> `ooo`, symbol LLC), tags stopwords and legal forms, and attaches symbols from its
cross-script person-name corpus (Путин and Putin share a Wikidata id). rigour transliterates
Latin, Cyrillic, Greek, Armenian, Georgian and Hangul itself; for the other scripts (Han,
Arabic, Devanagari...) we add a second reading through ICU (`normality.ascii_text`), so that
习近平 is also compared as "xi jin ping".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from normality import ascii_text
from rigour.names import Name, NamePartTag, NameTypeTag, analyze_names
from rigour.text import metaphone
from rigour.text.scripts import can_latinize

from licentia.screening.model import EntitySchema

# Longer inputs are not names; the query boundary refuses them (see `match.ScreeningQuery`).
MAX_NAME_LENGTH = 300
_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_SPACES = re.compile(r"\s+")
_ASCII_TOKEN = re.compile(r"[a-z0-9]+")


class NameKind(StrEnum):
    """What a name names; drives legal-form handling, word order and prefixes."""

    PERSON = "person"
    ORGANIZATION = "organization"
    OBJECT = "object"
    UNKNOWN = "unknown"

    @property
    def description(self) -> str:
        return {
            NameKind.PERSON: "A person's name: word order may vary, initials and honorifics occur",
            NameKind.ORGANIZATION: "A company or organisation: legal forms are recognised",
            NameKind.OBJECT: "A vessel or aircraft: numbers matter, prefixes (M/V) are dropped",
            NameKind.UNKNOWN: "Not known: analysed as an organisation and as a person",
        }[self]

    @classmethod
    def of_schema(cls, schema: EntitySchema | None) -> NameKind:
        if schema is None:
            return cls.UNKNOWN
        if schema.is_person:
            return cls.PERSON
        if schema.is_body:
            return cls.ORGANIZATION
        return cls.OBJECT

    @property
    def tag(self) -> NameTypeTag:
        return {
            NameKind.PERSON: NameTypeTag.PER,
            NameKind.ORGANIZATION: NameTypeTag.ORG,
            NameKind.OBJECT: NameTypeTag.OBJ,
            NameKind.UNKNOWN: NameTypeTag.ENT,
        }[self]


@dataclass(frozen=True, slots=True)
class NameAnalysis:
    """One name, analysed.

    `readings` are rigour `Name`s: the name itself and, for scripts rigour does not
    transliterate, an ICU-latinised reading. `tokens` are the ASCII forms of the parts that
    identify (legal forms and stopwords left out), `legal_forms` the legal-form classes found.
    """

    original: str
    kind: NameKind
    readings: tuple[Name, ...]
    tokens: tuple[str, ...]
    legal_forms: tuple[str, ...]
    inverted: bool  # written "FAMILY, Given"

    @property
    def latin(self) -> str:
        return " ".join(self.tokens)

    @property
    def is_empty(self) -> bool:
        return not self.tokens and not self.legal_forms


def clean_text(text: str) -> str:
    """NFC, no control or invisible characters, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def has_letters(text: str) -> bool:
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def _needs_icu(text: str) -> bool:
    """True when rigour would leave some letters in a script it does not transliterate."""
    return any(ch.isalpha() and ord(ch) > 0x24F and not can_latinize(ch) for ch in text)


@lru_cache(maxsize=200_000)
def ascii_token(token: str) -> str:
    """The ASCII form of one name part (rigour's comparable form, else ICU)."""
    if token.isascii():
        return token
    return "".join(_ASCII_TOKEN.findall(ascii_text(token).lower()))


@lru_cache(maxsize=200_000)
def phonetic_key(token: str) -> str:
    """Metaphone of an ASCII token; empty for digits and one-letter tokens."""
    if len(token) < 2 or not token.isalpha():
        return ""
    return metaphone(token)


def _uninvert(text: str, kind: NameKind) -> tuple[str, bool]:
    """'PUTIN, Vladimir' -> 'Vladimir PUTIN' for people; lists write surnames first."""
    if kind is NameKind.PERSON and text.count(",") == 1:
        family, given = (part.strip() for part in text.split(","))
        if family and given and len(given.split()) <= 4:
            return f"{given} {family}", True
    return text, False


def analyze_name(
    text: str, kind: NameKind = NameKind.UNKNOWN, *, query: bool = False
) -> NameAnalysis:
    """Analyse one name. `query=True` also reads one-letter parts as initials ("V. Putin")."""
    cleaned = clean_text(text)[: MAX_NAME_LENGTH * 2]
    ordered, inverted = _uninvert(cleaned, kind)
    forms = [ordered]
    if _needs_icu(ordered):
        latin = ascii_text(ordered)
        if latin and has_letters(latin):
            forms.append(latin)
    readings = analyze_names(
        kind.tag,
        forms,
        infer_initials=query and kind is not NameKind.ORGANIZATION,
        consolidate=False,
    )
    # Keep the given order: the first reading is the name as written.
    by_original = {name.original: name for name in readings}
    ordered_readings = tuple(by_original[f] for f in forms if f in by_original) or tuple(readings)
    tokens: list[str] = []
    legal: list[str] = []
    if ordered_readings:
        first = ordered_readings[-1] if len(ordered_readings) > 1 else ordered_readings[0]
        for part in first.parts:
            if part.tag == NamePartTag.LEGAL:
                legal.append(part.comparable)
                continue
            token = ascii_token(part.comparable)
            if token and part.tag != NamePartTag.STOP:
                tokens.append(token)
    return NameAnalysis(
        original=text,
        kind=kind,
        readings=ordered_readings,
        tokens=tuple(tokens),
        legal_forms=tuple(legal),
        inverted=inverted,
    )


def character_ngrams(token: str, n: int = 3) -> list[str]:
    """Padded character n-grams of one token, the fuzzy fallback of the index."""
    padded = f"_{token}_"
    if len(padded) <= n:
        return [padded]
    return [padded[i : i + n] for i in range(len(padded) - n + 1)]

"""Search over one control list version: code lookup and ranked full-text search.

The index is a small in-house BM25 over provisions. Each provision is indexed with its own
text, the curated summary and exporter keywords (weighted up), and the text of the entries
above it (weighted down) so that a sub-item inherits the context of its heading.
Tokenisation keeps dotted codes (`5a001.j`) whole.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import pycountry
from rapidfuzz import process

from licentia.controls.model import PATH, ControlEntry, ControlList
from licentia.errors import NotFound

_TOKEN = re.compile(r"[0-9][a-e][0-9]{3}(?:\.[a-z0-9]{1,3})*|[a-z0-9]+(?:[-'][a-z0-9]+)*")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _words(
    """a an and are as at be but by for from has have in into is it its of on or our that the
    their them then there these this to was we were which with without can will your you any all
    other than such not no use used using also may per via e.g i.e following specified so
    between within over under about each both only up down out off onto upon
    specially designed modified"""
)
# Words that say nothing about what an item is; a description made only of these is too vague.
GENERIC = _words(
    """software system systems device devices equipment product products solution
    solutions box tool tools platform unit hardware network networks customer customers
    government governments client clients ministry agency our new advanced module kit service
    services technology item items thing stuff project supply deliver sell export exports
    exporting exported delivered delivery order contract user users operator operators
    company companies partner partners professional high-performance performance
    state-of-the-art powerful innovative modern smart intelligent integrated complete full
    turnkey custom customised customized flexible easy simple fast quick reliable robust
    leading best next-generation generation latest version edition model range series support
    supported supports including includes include based ready designed design built
    available option optional feature features function functions capability capabilities
    application applications solution app apps program programs suite package
    security secure data information digital"""
)
# Words about who buys the item or where it goes. Classification is blind to them (they are
# assessed in licence determination and screening), so they never reach the scoring at all.
END_USE = _words(
    """ministry ministries interior defence defense police military army armed force forces navy
    end user
    agency agencies authority authorities government governments state federal regime
    destination destinations country countries end-user end-users customer customers
    embassy intelligence-service export exports exporter importer buyer buyers"""
)

_TEXT_WEIGHT = 2
_CURATED_WEIGHT = 2
_KEYWORD_WEIGHT = 3
_CONTEXT_WEIGHT = 1
_REFERENCE_WEIGHT = 1
# "specified in 5A004.b." or "in 4A or 4D": a provision that points at another one.
_NOT_REFERENCE = re.compile(
    r"\b(?:not (?:specified |controlled |included )?(?:in|by)|other than|except|excluding"
    r"|see also)\b[^,;:]*",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"(?<![0-9A-Za-z])([0-9][A-E](?:[0-9]{3}(?:\.[a-z0-9]{1,3})*)?)(?![0-9A-Za-z])"
)
_K1 = 1.2
_B = 0.6


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _stem(token: str) -> str:
    if any(ch.isdigit() for ch in token):
        return token
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokenize(text: str) -> list[str]:
    return [
        _stem(token)
        for token in _TOKEN.findall(normalise(text))
        if token not in STOPWORDS and len(token) > 1
    ]


@cache
def country_tokens() -> frozenset[str]:
    """Tokens of country names and their official and common forms (for blindness)."""
    names: set[str] = set()
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names.update(_TOKEN.findall(normalise(str(value))))
    names.update(_COUNTRY_EXTRA)
    # Short fragments and words that also say what an item is are kept.
    return (
        frozenset(_stem(name) for name in names if len(name) > 3 and name not in _COUNTRY_KEEP)
        - STOPWORDS
    )


_COUNTRY_EXTRA = _words(
    """russia turkey usa america burma persia dprk uae ksa britain england holland"""
)
_COUNTRY_KEEP = _words(
    """island islands ocean territory territories state states administrative city grand
    great special independent region province part union minor heard holy cook marshall
    christmas outlying southern northern eastern western"""
)


def blind_tokens(text: str) -> list[str]:
    """Tokens without the destination and end-user words: what the item is, not where it goes."""
    drop = country_tokens() | END_USE
    return [token for token in tokenize(text) if token not in drop]


def content_tokens(text: str) -> list[str]:
    """Tokens that describe what an item is (not generic words, not destinations or users)."""
    return [token for token in blind_tokens(text) if token not in GENERIC]


def _describe(entry: ControlEntry) -> str:
    return " ".join((entry.text, entry.summary, " ".join(entry.keywords)))


def looks_like_code(text: str) -> bool:
    return bool(PATH.match(text[:2].upper() + text[2:].lower().rstrip(".")))


@dataclass(frozen=True, slots=True)
class SearchHit:
    entry: ControlEntry
    score: float
    matched_terms: tuple[str, ...]


class ControlIndex:
    """A search index over one list version, built once and queried many times."""

    def __init__(self, control_list: ControlList) -> None:
        self.control_list = control_list
        self._entries = list(control_list.entries)
        self._docs: list[Counter[str]] = []
        self._position = {entry.path: i for i, entry in enumerate(self._entries)}
        self._curated = [entry for entry in self._entries if entry.keywords]
        self._own_terms: list[frozenset[str]] = []
        self._references = {entry.path: self._referenced(entry) for entry in self._entries}
        for entry in self._entries:
            terms: Counter[str] = Counter()
            for token in tokenize(entry.text):
                terms[token] += _TEXT_WEIGHT
            for token in tokenize(entry.summary):
                terms[token] += _CURATED_WEIGHT
            for token in tokenize(" ".join(entry.keywords)):
                terms[token] += _KEYWORD_WEIGHT
            for ancestor in control_list.ancestors(entry.path):
                for token in tokenize(ancestor.text or ancestor.summary):
                    terms[token] += _CONTEXT_WEIGHT
            self._own_terms.append(frozenset(terms))
            # Software and technology entries are defined by the items they point at
            # ("software for the use of equipment specified in 5A004.b"): inherit their words.
            for referenced in self._references[entry.path]:
                for token in tokenize(_describe(referenced)):
                    terms[token] += _REFERENCE_WEIGHT
            terms[entry.path.lower()] += _KEYWORD_WEIGHT
            self._docs.append(terms)
        self._terms = [frozenset(doc) for doc in self._docs]
        self._lengths = [sum(doc.values()) for doc in self._docs]
        self._average = sum(self._lengths) / max(len(self._lengths), 1)
        frequency: Counter[str] = Counter()
        for doc in self._docs:
            frequency.update(doc.keys())
        count = len(self._docs)
        self._idf = {
            term: math.log(1 + (count - n + 0.5) / (n + 0.5)) for term, n in frequency.items()
        }

    def _referenced(self, entry: ControlEntry) -> tuple[ControlEntry, ...]:
        """Entries a provision points at; a whole entry or group brings its curated words."""
        found: dict[str, ControlEntry] = {}
        own = {entry.path, *(a.path for a in self.control_list.ancestors(entry.path))}
        # "not specified in 4A005 or 5A004.a" points away from those entries, not at them.
        pointing = _NOT_REFERENCE.sub(" ", f"{entry.text} {entry.summary}")
        for code in _REFERENCE.findall(pointing):
            code = code.rstrip(".")
            if code in own or code.startswith(entry.path + "."):
                continue
            target = self.control_list.get(code)
            if target is not None:
                found.setdefault(target.path, target)
            for other in self._curated:
                if other.path.startswith(code) and other.path != entry.path:
                    found.setdefault(other.path, other)
        return tuple(found.values())

    def references(self, path: str) -> tuple[ControlEntry, ...]:
        """The entries the provision at `path` points at (its own text or curated summary)."""
        return self._references.get(path, ())

    def terms_of(self, path: str) -> frozenset[str]:
        """Every term indexed for a provision: its text, context, curated words, references."""
        position = self._position.get(path)
        return self._terms[position] if position is not None else frozenset()

    def own_terms_of(self, path: str) -> frozenset[str]:
        """Terms of a provision's own text, curated words and headings (no references)."""
        position = self._position.get(path)
        return self._own_terms[position] if position is not None else frozenset()

    def lookup(self, code: str) -> ControlEntry:
        """The entry with this code or path; unknown codes name the closest ones."""
        wanted = code.strip().rstrip(".")
        wanted = wanted[:2].upper() + wanted[2:].lower() if len(wanted) >= 2 else wanted
        entry = self.control_list.get(wanted)
        if entry is not None:
            return entry
        closest = [
            match
            for match, _score, _index in process.extract(
                wanted, [e.path for e in self._entries], limit=5
            )
        ]
        raise NotFound(
            f"no entry {code!r} in {self.control_list.regime.description}, version "
            f"{self.control_list.version}; closest: {', '.join(closest) or 'none'}",
            details={"code": code, "closest": closest},
        )

    def idf(self, term: str) -> float:
        return self._idf.get(term, 0.0)

    def scores(self, query: str | Sequence[str]) -> list[tuple[float, int, tuple[str, ...]]]:
        """BM25 score of every provision that shares a term with the query (text or tokens)."""
        terms = list(dict.fromkeys(tokenize(query) if isinstance(query, str) else query))
        found = []
        for index, doc in enumerate(self._docs):
            score = 0.0
            matched = []
            norm = _K1 * (1 - _B + _B * self._lengths[index] / self._average)
            for term in terms:
                tf = doc.get(term)
                if tf:
                    score += self._idf[term] * tf * (_K1 + 1) / (tf + norm)
                    matched.append(term)
            if score > 0:
                found.append((score, index, tuple(matched)))
        return found

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        stripped = query.strip()
        if looks_like_code(stripped):
            entry = self.lookup(stripped)
            return [SearchHit(entry, 1.0, (entry.path,))] + [
                SearchHit(child, 0.5, (entry.path,))
                for child in self.control_list.subtree(entry.path)[1:limit]
            ]
        ranked = sorted(self.scores(stripped), key=lambda item: (-item[0], item[1]))
        return [
            SearchHit(self._entries[index], round(score, 4), matched)
            for score, index, matched in ranked[:limit]
        ]

    def entry_at(self, index: int) -> ControlEntry:
        return self._entries[index]

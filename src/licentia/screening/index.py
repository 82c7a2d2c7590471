"""The candidate index: finds, without scanning every listed name, the few worth scoring.

An inverted index from keys to listed names, with four kinds of key per name part:
the ASCII token, its metaphone, rigour's cross-script name symbols (Wikidata ids, so an
Arabic or Cyrillic query finds the Latin listing), and padded character 3-grams (typos,
split and joined words). Each key carries an IDF weight, so rare parts ("Khodorkovsky")
count for much more than common ones ("Mohammad", "Company"). A query adds up the weights
of its keys per listed name (one `numpy.bincount`) and keeps the best names.

The index is built from `ListedEntity` values and the version of each source list, written
to one file (a pickle of plain values: lists, dicts and arrays) and loaded back. It keeps
each name's ASCII form (`form`), which the matcher's cheap pre-score reads, so a query never
analyses a listed name just to rank it. Full analyses hold rigour objects, which do not
pickle: a built index has all of them; a loaded one analyses a name the first time it is
fully compared and keeps it (`analysis`), so no listed name is analysed twice.
"""

from __future__ import annotations

import math
import os
import pickle
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from rigour.names import SymbolCategory

from licentia.errors import InvalidInput
from licentia.screening.model import ListedEntity, ListedName
from licentia.screening.names import (
    NameAnalysis,
    NameKind,
    analyze_name,
    ascii_token,
    character_ngrams,
    phonetic_key,
)

FORMAT_VERSION = 2
# Share of each key kind in a name's retrieval score.
_TOKEN_WEIGHT = 1.0
_PHONETIC_WEIGHT = 0.6
_SYMBOL_WEIGHT = 0.6
_NGRAM_WEIGHT = 0.25
# Keys shared by more names than this carry almost no information; skipping them keeps a
# query from touching large posting lists ("mohammad", "_al").
_MAX_POSTING = 4000


@dataclass(frozen=True, slots=True)
class Candidate:
    """A listed name the index proposes for scoring, with its retrieval score."""

    entity: ListedEntity
    name: ListedName
    name_id: int
    retrieval: float


@lru_cache(maxsize=200_000)
def _token_keys(token: str) -> tuple[tuple[str, float], ...]:
    """The keys of one ASCII token with their within-name weights."""
    keys = [(f"t:{token}", _TOKEN_WEIGHT)]
    phonetic = phonetic_key(token)
    if phonetic:
        keys.append((f"p:{phonetic}", _PHONETIC_WEIGHT))
    grams = character_ngrams(token)
    gram_weight = _NGRAM_WEIGHT * 3 / max(3, len(grams))
    keys.extend((f"g:{gram}", gram_weight) for gram in grams)
    return tuple(keys)


def query_keys(analysis: NameAnalysis, *, cached: bool = True) -> dict[str, float]:
    """The keys of a name with their within-name weights (before IDF).

    A query keeps the keys of its tokens in a cache (common names recur); building an index
    (`cached=False`) does not fill it with every listed token.
    """
    token_keys = _token_keys if cached else _token_keys.__wrapped__
    keys: dict[str, float] = {}
    for reading in analysis.readings:
        for part in reading.parts:
            token = ascii_token(part.comparable)
            if not token:
                continue
            # The first part that yields a key sets its weight.
            for key, weight in token_keys(token):
                keys.setdefault(key, weight)
        for symbol in reading.symbols:
            if symbol.category in (SymbolCategory.NAME, SymbolCategory.NICK):
                keys.setdefault(f"s:{symbol.id}", _SYMBOL_WEIGHT)
    return keys


class ScreeningIndex:
    """Listed entities, their names and the inverted index over them."""

    def __init__(
        self,
        entities: list[ListedEntity],
        versions: Mapping[str, str],
        name_refs: list[tuple[int, int]],
        postings: dict[str, npt.NDArray[np.int32]],
        forms: list[str],
    ) -> None:
        self.entities = entities
        self.versions = dict(versions)
        self.name_refs = name_refs
        self.postings = postings
        self.forms = forms
        count = max(1, len(name_refs))
        self._idf = {key: math.log(1 + count / len(ids)) for key, ids in postings.items()}
        # The keys a query may use: posting and IDF in one look-up.
        self._usable = {
            key: (ids, self._idf[key]) for key, ids in postings.items() if len(ids) <= _MAX_POSTING
        }
        self._analyses: dict[int, NameAnalysis] = {}

    # -- building ------------------------------------------------------------------------

    @classmethod
    def build(
        cls, entities: Iterable[ListedEntity], versions: Mapping[str, str] | None = None
    ) -> ScreeningIndex:
        """Index every name of every entity; `versions` maps each source to its list version."""
        kept: list[ListedEntity] = []
        name_refs: list[tuple[int, int]] = []
        lists: dict[str, list[int]] = defaultdict(list)
        analyses: dict[int, NameAnalysis] = {}
        forms: list[str] = []
        for entity in entities:
            entity_no = len(kept)
            kept.append(entity)
            kind = NameKind.of_schema(entity.schema)
            for name_no, name in enumerate(entity.names):
                analysis = analyze_name(name.full, kind)
                if analysis.is_empty:
                    continue
                name_id = len(name_refs)
                name_refs.append((entity_no, name_no))
                analyses[name_id] = analysis
                forms.append(analysis.latin)
                for key in query_keys(analysis, cached=False):
                    lists[key].append(name_id)
        postings = {
            key: np.fromiter(ids, dtype=np.int32, count=len(ids)) for key, ids in lists.items()
        }
        index = cls(kept, versions or {}, name_refs, postings, forms)
        index._analyses = analyses
        return index

    # -- persistence ---------------------------------------------------------------------

    def save(self, path: Path) -> None:
        """Write the index atomically: a reader never sees half a file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        payload: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "entities": self.entities,
            "versions": self.versions,
            "name_refs": self.name_refs,
            "postings": self.postings,
            "forms": self.forms,
        }
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(payload, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> ScreeningIndex:
        """Read an index written by `save` (only files Licentia wrote itself: it is a pickle)."""
        try:
            with path.open("rb") as handle:
                payload = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            raise InvalidInput(f"screening index {path} cannot be read: {exc}") from exc
        if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
            raise InvalidInput(f"screening index {path} has another format; rebuild it")
        return cls(
            payload["entities"],
            payload["versions"],
            payload["name_refs"],
            payload["postings"],
            payload["forms"],
        )

    # -- querying ------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.name_refs)

    def analysis(self, name_id: int) -> NameAnalysis:
        """The analysis of a listed name, computed on first use after a load."""
        found = self._analyses.get(name_id)
        if found is None:
            entity_no, name_no = self.name_refs[name_id]
            entity = self.entities[entity_no]
            found = analyze_name(entity.names[name_no].full, NameKind.of_schema(entity.schema))
            self._analyses[name_id] = found
        return found

    def name_ids_of(self, entity_no: int) -> list[int]:
        return [i for i, (e, _) in enumerate(self.name_refs) if e == entity_no]

    def candidates(self, analyses: Iterable[NameAnalysis], limit: int = 30) -> list[Candidate]:
        """The `limit` listed names sharing the most weight of keys with any query name."""
        found = []
        for name_id, retrieval in self.candidate_ids(analyses, limit):
            entity_no, name_no = self.name_refs[name_id]
            entity = self.entities[entity_no]
            found.append(Candidate(entity, entity.names[name_no], name_id, retrieval))
        return found

    def candidate_ids(
        self, analyses: Iterable[NameAnalysis], limit: int = 30
    ) -> list[tuple[int, float]]:
        """`candidates` as (name id, retrieval score) pairs, best first, ties by lower id."""
        if not self.name_refs or limit < 1:
            return []
        # The keys of every query name; a key shared by several names counts for each.
        weights: dict[str, float] = {}
        for analysis in analyses:
            for key, weight in query_keys(analysis).items():
                weights[key] = weights.get(key, 0.0) + weight
        ids: list[npt.NDArray[np.int32]] = []
        key_weights: list[float] = []
        for key, weight in weights.items():
            usable = self._usable.get(key)
            if usable is not None:
                ids.append(usable[0])
                key_weights.append(weight * usable[1])
        if not ids:
            return []
        # One weight per posting entry, repeated in C rather than one array per key.
        repeated = np.repeat(np.array(key_weights), [len(posting) for posting in ids])
        scores = np.bincount(np.concatenate(ids), weights=repeated, minlength=len(self.name_refs))
        # The best `limit` by partition; then every name at or above the lowest of them, so
        # that ties at the cut go to the lower id.
        take = min(limit, len(scores))
        best = np.argpartition(-scores, take - 1)[:take]
        floor = float(np.min(scores[best]))
        hit = np.flatnonzero(scores >= floor) if floor > 0 else best[scores[best] > 0]
        top = hit[np.lexsort((hit, -scores[hit]))][:limit]
        return list(zip(top.tolist(), scores[top].tolist(), strict=True))

"""The classification assistant: which control entries may a product fall under?

It reads only the product description. It never sees the destination or the customer:
naming a sensitive country makes classifiers over-control items, so country, end user and
end use are assessed in separate steps (licence determination, screening, risk).

Steps:
1. Too little said about the item: INSUFFICIENT_INFORMATION, with the questions to answer.
2. Rank provisions with the search index. Sub-items that are cumulative conditions of their
   parent ("having all of the following") are folded into the parent, because the item is
   classified under the parent when all conditions are met.
3. Check each candidate against the decontrol notes that govern it (its own, its ancestors',
   and the list-wide notes such as the Cryptography Note). A note whose wording the
   description uses releases the candidate, with the note cited.
4. No unreleased candidate strong enough: NOT_LISTED with the reason. Separately, flag
   kinds of non-listed items that may be cyber-surveillance items under Art 2(20) and point
   to the due diligence of Art 5.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from licentia.controls.curated import CuratedData, NonListedCategory
from licentia.controls.model import ControlEntry, ControlList, Exclusion, is_within, parent_path
from licentia.controls.search import ControlIndex, content_tokens, normalise, tokenize

ART5_POINTER = (
    "Regulation (EU) 2021/821, Art 2(20) and Art 5: a non-listed item specially designed to "
    "enable covert surveillance of natural persons needs a licence when the authority informs "
    "the exporter, and an exporter aware of an intended use for internal repression or serious "
    "violations of human rights must notify the authority (Art 5(2)). Carry out the due "
    "diligence of Recommendation (EU) 2024/2659, section 3."
)

_CUMULATIVE = re.compile(r"\ball of the following\b", re.IGNORECASE)
_MIN_CONTENT_TOKENS = 2
# A candidate must reach this share of the best score to be shown as an alternative.
_ALTERNATIVE_SHARE = 0.35
# Below this score nothing in the list describes the item.
_LISTED_THRESHOLD = 6.0
# A released candidate yields to an unreleased one that scores at least this share of it.
_UNRELEASED_SHARE = 0.6


class Outcome(StrEnum):
    CANDIDATES = "candidates"
    NOT_LISTED = "not-listed"
    INSUFFICIENT_INFORMATION = "insufficient-information"

    @property
    def description(self) -> str:
        return {
            Outcome.CANDIDATES: "The item may fall under the control entries listed, best first.",
            Outcome.NOT_LISTED: "No control entry of this list version describes the item.",
            Outcome.INSUFFICIENT_INFORMATION: (
                "The description does not say enough about what the item does to classify it."
            ),
        }[self]


@dataclass(frozen=True, slots=True)
class Release:
    """A decontrol note that takes a candidate out of control, and the words that matched it."""

    exclusion: Exclusion
    matched: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    path: str
    score: float
    summary: str
    citation: str
    matched_terms: tuple[str, ...]
    provisions: tuple[tuple[str, str], ...]
    cyber_surveillance: bool
    questions: tuple[str, ...]
    may_release: tuple[Exclusion, ...]
    released_by: tuple[Release, ...] = ()
    coverage: float = 0.0

    @property
    def released(self) -> bool:
        return bool(self.released_by)


@dataclass(frozen=True, slots=True)
class NonListedFlag:
    category: NonListedCategory
    matched: tuple[str, ...]
    pointer: str = ART5_POINTER


@dataclass(frozen=True, slots=True)
class Classification:
    outcome: Outcome
    reason: str
    list_regime: str
    list_version: str
    candidates: tuple[Candidate, ...]
    released: tuple[Candidate, ...]
    non_listed_flags: tuple[NonListedFlag, ...]
    questions: tuple[str, ...] = field(default=())

    @property
    def top(self) -> str:
        """The answer in one word: the best entry's path, or the outcome."""
        if self.outcome is Outcome.CANDIDATES:
            return self.candidates[0].path
        return self.outcome.value

    def ranked_answers(self) -> list[str]:
        """Answers in the order shown to the exporter: the outcome first when not listed."""
        if self.outcome is Outcome.CANDIDATES:
            return [candidate.path for candidate in self.candidates]
        return [self.outcome.value] + [candidate.path for candidate in self.released]


class Classifier:
    """Built once per list version; `classify` is pure and cheap."""

    def __init__(self, control_list: ControlList, curated: CuratedData) -> None:
        self.control_list = curated.annotate(control_list)
        self.curated = curated
        self.index = ControlIndex(self.control_list)
        # Every exclusion by the paths it releases, wherever the note is written.
        self._exclusions: list[Exclusion] = [
            exclusion for entry in self.control_list for exclusion in entry.exclusions
        ] + list(curated.release_notes)

    def classify(self, description: str, *, limit: int = 5) -> Classification:
        text = normalise(description)
        flags = self._non_listed_flags(text)
        if len(set(content_tokens(description))) < _MIN_CONTENT_TOKENS and not flags:
            return self._result(
                Outcome.INSUFFICIENT_INFORMATION,
                "Say what the item does (its functions), what it is (equipment, software or "
                "technology) and its key technical parameters.",
                questions=(
                    "Is it equipment, software or technology?",
                    "What does it do, in technical terms (e.g. intercepts mobile calls, "
                    "encrypts network links, extracts data from phones)?",
                    "Which performance figures does it have (frequencies, key lengths, speeds)?",
                ),
            )

        candidates = self._candidates(description, text)
        unreleased = [c for c in candidates if not c.released]
        released = [c for c in candidates if c.released]
        best = candidates[0].score if candidates else 0.0

        if unreleased and unreleased[0].score >= _LISTED_THRESHOLD:
            top_released = released[0].score if released else 0.0
            if unreleased[0].score >= _UNRELEASED_SHARE * top_released:
                shown = [c for c in unreleased if c.score >= _ALTERNATIVE_SHARE * best][:limit]
                return self._result(
                    Outcome.CANDIDATES,
                    f"Best match {shown[0].path}; answer the questions to confirm or to decide "
                    "between candidates, and check the decontrol notes listed.",
                    candidates=tuple(shown),
                    released=tuple(released[:limit]),
                    flags=flags,
                )

        if released and released[0].score >= _LISTED_THRESHOLD:
            first = released[0].released_by[0]
            reason = (
                f"The closest entry, {released[0].path}, is released by "
                f"{first.exclusion.source_note}: {first.exclusion.summary} "
                f"(the description says: {', '.join(first.matched)})."
            )
        elif flags:
            reason = "No control entry describes the item; it may be a non-listed cyber-surveillance item."
        else:
            reason = (
                "No provision of this list version matches the item's functions closely enough."
            )
        return self._result(
            Outcome.NOT_LISTED,
            reason,
            released=tuple(released[:limit]),
            candidates=(),
            flags=flags,
            questions=tuple(q for c in released[:2] for q in c.questions),
        )

    def _result(
        self,
        outcome: Outcome,
        reason: str,
        *,
        candidates: tuple[Candidate, ...] = (),
        released: tuple[Candidate, ...] = (),
        flags: tuple[NonListedFlag, ...] = (),
        questions: tuple[str, ...] = (),
    ) -> Classification:
        if flags and outcome is not Outcome.CANDIDATES:
            reason += " " + ART5_POINTER
        return Classification(
            outcome=outcome,
            reason=reason,
            list_regime=self.control_list.regime.value,
            list_version=self.control_list.version,
            candidates=candidates,
            released=released,
            non_listed_flags=flags,
            questions=questions or tuple(q for c in candidates[:3] for q in c.questions),
        )

    def _classifiable_path(self, path: str) -> str:
        """Fold cumulative conditions into the entry they qualify."""
        current = path
        parent = parent_path(current)
        while parent is not None:
            parent_entry = self.control_list.get(parent)
            if parent_entry is None or not _CUMULATIVE.search(parent_entry.text):
                break
            current, parent = parent, parent_path(parent)
        return current

    def _candidates(self, description: str, text: str) -> list[Candidate]:
        grouped: dict[str, list[tuple[float, ControlEntry, tuple[str, ...]]]] = {}
        for score, index, matched in self.index.scores(description):
            entry = self.index.entry_at(index)
            score += _keyword_bonus(entry, text)
            grouped.setdefault(self._classifiable_path(entry.path), []).append(
                (score, entry, matched)
            )
        query_terms = set(tokenize(description))
        query_weight = sum(self.index.idf(term) for term in query_terms) or 1.0
        candidates = []
        for path, members in grouped.items():
            members.sort(key=lambda member: -member[0])
            entry = self.control_list.get(path)
            if entry is None:
                continue
            score = members[0][0] + 0.2 * sum(member[0] for member in members[1:3])
            governing = self._governing_exclusions(path)
            matched_terms = tuple(dict.fromkeys(t for m in members for t in m[2]))
            candidates.append(
                Candidate(
                    path=path,
                    score=round(score, 3),
                    summary=entry.summary or entry.text,
                    citation=self.control_list.citation(path),
                    matched_terms=matched_terms,
                    coverage=round(
                        sum(self.index.idf(t) for t in set(matched_terms)) / query_weight, 3
                    ),
                    provisions=tuple((m[1].path, m[1].text or m[1].summary) for m in members[:3]),
                    cyber_surveillance=entry.cyber_surveillance,
                    questions=entry.questions or self._inherited_questions(path),
                    may_release=governing,
                    released_by=tuple(
                        Release(exclusion, matched)
                        for exclusion in governing
                        if (matched := _triggered(exclusion, text))
                    ),
                )
            )
        candidates.sort(key=lambda candidate: (-candidate.score, candidate.path))
        return candidates

    def _governing_exclusions(self, path: str) -> tuple[Exclusion, ...]:
        found: dict[str, Exclusion] = {}
        for exclusion in self._exclusions:
            if any(is_within(path, released) for released in exclusion.releases):
                found.setdefault(exclusion.key, exclusion)
        return tuple(found.values())

    def _inherited_questions(self, path: str) -> tuple[str, ...]:
        for ancestor in reversed(self.control_list.ancestors(path)):
            if ancestor.questions:
                return ancestor.questions
        return ()

    def _non_listed_flags(self, text: str) -> tuple[NonListedFlag, ...]:
        return tuple(
            NonListedFlag(category, matched)
            for category in self.curated.non_listed
            if (matched := _phrases_in(category.triggers, text))
        )


def _phrases_in(phrases: tuple[str, ...], text: str) -> tuple[str, ...]:
    return tuple(
        phrase for phrase in phrases if re.search(rf"(?<![a-z0-9]){re.escape(phrase)}", text)
    )


def _triggered(exclusion: Exclusion, text: str) -> tuple[str, ...]:
    return _phrases_in(tuple(normalise(t) for t in exclusion.triggers), text)


def _keyword_bonus(entry: ControlEntry, text: str) -> float:
    """Whole exporter phrases weigh more than the words they are made of."""
    return 4.0 * sum(1 for phrase in entry.keywords if " " in phrase and normalise(phrase) in text)

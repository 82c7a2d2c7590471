"""The classification assistant: which control entries may a product fall under?

It reads only the product description. It never sees the destination or the customer:
naming a sensitive country makes classifiers over-control items, so country, end user and
end use are assessed in separate steps (licence determination, screening, risk). Words that
name them are dropped before anything is scored.

Steps:
1. Too little said about the item: INSUFFICIENT_INFORMATION, with the questions to answer.
2. Rank provisions with the search index. Sub-items that are cumulative conditions of their
   parent ("having all of the following") are folded into the parent, because the item is
   classified under the parent when all conditions are met.
3. Weigh the affirmative evidence for each candidate: the exporter phrases curated for it,
   the share of the description's distinctive words its provisions use, and the numeric
   thresholds of its text that the description's figures meet or miss. A candidate with no
   such evidence is not an answer, however well it ranks: BM25 over 3,000 provisions always
   finds something.
4. Check each candidate against the decontrol notes that govern it (its own, its ancestors',
   and the list-wide notes such as the Cryptography Note). A note whose wording the
   description uses releases the candidate, with the note cited.
5. No unreleased candidate with evidence: NOT_LISTED with the reason. Separately, flag
   kinds of non-listed items that may be cyber-surveillance items under Art 2(20) and point
   to the due diligence of Art 5; such a flag wins over weak listed evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache

from licentia.controls.curated import CuratedData, NonListedCategory
from licentia.controls.model import (
    ControlEntry,
    ControlList,
    Exclusion,
    ProductGroup,
    is_within,
    parent_path,
)
from licentia.controls.search import GENERIC, ControlIndex, blind_tokens, normalise

ART5_POINTER = (
    "Regulation (EU) 2021/821, Art 2(20) and Art 5: a non-listed item specially designed to "
    "enable covert surveillance of natural persons needs a licence when the authority informs "
    "the exporter, and an exporter aware of an intended use for internal repression or serious "
    "violations of human rights must notify the authority (Art 5(2)). Carry out the due "
    "diligence of Recommendation (EU) 2024/2659, section 3."
)

_CUMULATIVE = re.compile(r"\ball of the following\b", re.IGNORECASE)
# Fewer distinct content words than this and nothing recognisable: ask, do not guess.
_MIN_CONTENT_TOKENS = 2
# A short description without affirmative evidence cannot be told apart from a listed item.
_SHORT_DESCRIPTION = 4
# A description term is distinctive when at most ~5 % of provisions use it.
_DISTINCTIVE_IDF = 3.0
# Share of the distinctive words' weight a candidate must cover to count as evidence;
# calibrated on the DEV split of the benchmark (the held-out split was not consulted).
_COVERAGE = 0.3
_MIN_DISTINCTIVE_MATCHES = 2
_CURATED_DISTINCTIVE_MATCHES = 3
_CURATED_COVERAGE = 0.4
# Curated-phrase evidence needed for an answer, and a higher bar when a non-listed
# cyber-surveillance kind is named (an OSINT platform also "searches by name").
_KEYWORD_EVIDENCE = 2.0
_FLAGGED_KEYWORD_EVIDENCE = 4.0
# A candidate is shown as an alternative when it reaches this share of the best rank.
_ALTERNATIVE_SHARE = 0.35
# A released candidate yields to an unreleased one that ranks at least this share of it.
_UNRELEASED_SHARE = 0.6
# Siblings ranked this close with the same evidence: the deepest settled level is the parent.
_SIBLING_TIE = 0.95
# How many entries without enough evidence a NOT_LISTED answer still names for checking.
_CLOSEST = 2


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
class Evidence:
    """Why a candidate may describe the item, in terms an exporter can check."""

    keywords: tuple[str, ...] = ()
    keyword_weight: float = 0.0
    distinctive: tuple[str, ...] = ()
    coverage: float = 0.0
    thresholds_met: tuple[str, ...] = ()
    thresholds_missed: tuple[str, ...] = ()
    curated: bool = False
    # Distinctive words matched in the clause that names the item, not in its incidentals.
    head_terms: tuple[str, ...] = ()

    @property
    def affirmative(self) -> bool:
        if self.thresholds_missed:
            # The description's own figures fall outside the provision.
            return False
        if self.curated:
            # Where we know the exporters' words for an entry, only those words count: the
            # legal text's vocabulary ("mobile", "data", "phone") is shared by the traps.
            if self.keyword_weight + len(self.thresholds_met) >= _KEYWORD_EVIDENCE:
                return True
            # The branch's words say what the item is, a met threshold which sub-entry.
            if self.keyword_weight > 0 and self.thresholds_met:
                return True
            # One exporter word plus a broad match of the entry's own wording also counts.
            return (
                self.keyword_weight >= 1.0
                and len(self.distinctive) >= _CURATED_DISTINCTIVE_MATCHES
                and self.coverage >= _CURATED_COVERAGE
            )
        terms = len(self.distinctive) >= _MIN_DISTINCTIVE_MATCHES and bool(self.head_terms)
        # A met threshold counts only for an entry the words already point at.
        return terms and (self.coverage >= _COVERAGE or bool(self.thresholds_met))

    @property
    def strong(self) -> bool:
        """Enough to hold against a non-listed cyber-surveillance flag."""
        return self.keyword_weight >= _FLAGGED_KEYWORD_EVIDENCE or (
            bool(self.thresholds_met) and not self.thresholds_missed
        )


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
    evidence: Evidence = field(default_factory=Evidence)
    product_group_matches: bool = True

    @property
    def released(self) -> bool:
        return bool(self.released_by)

    @property
    def eligible(self) -> bool:
        """May be given as the answer: affirmative evidence, and the item's product group."""
        return self.evidence.affirmative and self.product_group_matches


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
    product_group: str | None = None
    # Best-ranked entries that lacked the evidence to be an answer: for the exporter to rule out.
    closest: tuple[Candidate, ...] = ()

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
        return [
            self.outcome.value,
            *(candidate.path for candidate in self.released),
            *(candidate.path for candidate in self.closest),
        ]


class Classifier:
    """Built once per list version; `classify` is pure and cheap."""

    def __init__(self, control_list: ControlList, curated: CuratedData) -> None:
        self.control_list = curated.annotate(control_list)
        self.curated = curated
        self.index = ControlIndex(self.control_list)
        # Every exclusion by the paths it releases, wherever the note is written.
        self._exclusions: list[Exclusion] = list(
            {
                exclusion.key: exclusion
                for entry in self.control_list
                for exclusion in entry.exclusions
            }.values()
        ) + list(curated.release_notes)
        self._phrases: dict[str, tuple[str, ...]] = {
            entry.path: tuple(_phrase(k) for k in entry.keywords)
            for entry in self.control_list
            if entry.keywords
        }
        self._conditions = {
            entry.path: _conditions(entry.text or entry.summary) for entry in self.control_list
        }
        # Entries in a branch we have exporter vocabulary for (own, parent, child or target).
        self._curated_branch = {
            entry.path
            for entry in self.control_list
            if any(is_within(entry.path, p) or is_within(p, entry.path) for p in self._phrases)
            or any(r.path in self._phrases for r in self._serves(entry))
        }
        # Headings ("... as follows:") are not answers when their items are in the list.
        with_children = {parent_path(entry.path) for entry in self.control_list}
        self._containers = {
            entry.path
            for entry in self.control_list
            if entry.path in with_children
            and not _CUMULATIVE.search(entry.text)
            and (entry.text.rstrip().endswith(":") or not entry.text)
        }

    def classify(self, description: str, *, limit: int = 5) -> Classification:
        text = _phrase(description)
        tokens = blind_tokens(description)
        content = [token for token in dict.fromkeys(tokens) if token not in GENERIC]
        flags = self._non_listed_flags(text)
        if len(content) < _MIN_CONTENT_TOKENS and not flags:
            return self._insufficient()

        group = product_group(description)
        quantities = _quantities(text)
        candidates = self._candidates(
            tokens, content, text, quantities, group, set(_head_tokens(description))
        )
        eligible = [c for c in candidates if c.eligible]
        if flags:
            # A named non-listed kind (facial recognition, OSINT...) wins over weak evidence.
            eligible = [c for c in eligible if c.evidence.strong]
        unreleased = [c for c in eligible if not c.released]
        released = [c for c in eligible if c.released]

        if unreleased:
            top_released = released[0].score if released else 0.0
            if unreleased[0].score >= _UNRELEASED_SHARE * top_released:
                best = self._settled(unreleased[0], unreleased)
                others = [c for c in candidates if c.path != best.path and not c.released]
                others.sort(key=lambda c: (not c.eligible, -c.score, c.path))
                alternatives = [c for c in others if c.score >= _ALTERNATIVE_SHARE * best.score]
                shown = [best, *alternatives[: limit - 1]]
                return self._result(
                    Outcome.CANDIDATES,
                    f"Best match {best.path}; answer the questions to confirm or to decide "
                    "between candidates, and check the decontrol notes listed.",
                    candidates=tuple(shown),
                    released=tuple(c for c in candidates if c.released)[:limit],
                    flags=flags,
                    group=group,
                )

        if (
            not released
            and not flags
            and (len(content) < _SHORT_DESCRIPTION or _phrases_in(_WITHHELD, text))
        ):
            return self._insufficient()
        if released:
            first = released[0].released_by[0]
            reason = (
                f"The closest entry, {released[0].path}, is released by "
                f"{first.exclusion.source_note}: {first.exclusion.summary} "
                f"(the description says: {', '.join(first.matched)})."
            )
        elif flags:
            reason = (
                "No control entry describes the item; it may be a non-listed "
                "cyber-surveillance item."
            )
        else:
            reason = (
                "No provision of this list version matches the item's functions closely "
                "enough: no curated exporter phrase, and too few of the description's "
                "distinctive words."
            )
        shown_released = released + [
            c for c in candidates if c.released and c not in released and c.product_group_matches
        ]
        closest = [c for c in candidates if not c.released and c.product_group_matches]
        result = self._result(
            Outcome.NOT_LISTED,
            reason,
            released=tuple(shown_released[:limit]),
            candidates=(),
            flags=flags,
            questions=tuple(q for c in released[:2] for q in c.questions),
            group=group,
        )
        return replace(result, closest=tuple(closest[:_CLOSEST]))

    def _insufficient(self) -> Classification:
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

    def _result(
        self,
        outcome: Outcome,
        reason: str,
        *,
        candidates: tuple[Candidate, ...] = (),
        released: tuple[Candidate, ...] = (),
        flags: tuple[NonListedFlag, ...] = (),
        questions: tuple[str, ...] = (),
        group: ProductGroup | None = None,
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
            product_group=group.value if group else None,
        )

    def _settled(self, best: Candidate, ranked: list[Candidate]) -> Candidate:
        """Where sibling alternatives fit equally well, the answer is their parent."""
        parent = parent_path(best.path)
        if parent is None or parent not in self.control_list:
            return best
        for other in ranked[1:]:
            if (
                parent_path(other.path) == parent
                and other.score >= _SIBLING_TIE * best.score
                and set(other.evidence.distinctive) == set(best.evidence.distinctive)
                and other.evidence.keywords == best.evidence.keywords
            ):
                entry = self.control_list.get(parent)
                if entry is None:
                    break
                return replace(
                    best,
                    path=entry.path,
                    summary=entry.summary or entry.text,
                    citation=self.control_list.citation(parent),
                    cyber_surveillance=entry.cyber_surveillance,
                    questions=entry.questions or best.questions,
                )
        return best

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

    def _candidates(
        self,
        tokens: list[str],
        content: list[str],
        text: str,
        quantities: dict[str, list[float]],
        group: ProductGroup | None,
        head: set[str],
    ) -> list[Candidate]:
        grouped: dict[str, list[tuple[float, ControlEntry, tuple[str, ...]]]] = {}
        for score, index, matched in self.index.scores(tokens):
            hit = self.index.entry_at(index)
            grouped.setdefault(self._classifiable_path(hit.path), []).append((score, hit, matched))
        # Figures and units say how much, not what: they are weighed as thresholds instead.
        distinctive = {
            t: self.index.idf(t)
            for t in content
            if self.index.idf(t) >= _DISTINCTIVE_IDF and not _MEASURE.fullmatch(t)
        }
        total_weight = sum(distinctive.values()) or 1.0
        best_bm25 = max((m[0] for ms in grouped.values() for m in ms), default=1.0)
        candidates = []
        for path, members in grouped.items():
            members.sort(key=lambda member: -member[0])
            entry = self.control_list.get(path)
            if entry is None or path in self._containers:
                continue
            bm25 = members[0][0] + 0.2 * sum(member[0] for member in members[1:3])
            # Coverage is measured on the provision's own words, not on what it points at.
            terms = set(self.index.own_terms_of(path)).union(
                *(self.index.own_terms_of(m[1].path) for m in members)
            )
            covered = tuple(t for t in distinctive if t in terms)
            coverage = sum(distinctive[t] for t in covered) / total_weight
            keywords, keyword_weight = self._keyword_evidence(path, text)
            met, missed = self._thresholds(path, [m[1].path for m in members], quantities)
            evidence = Evidence(
                keywords=keywords,
                keyword_weight=keyword_weight,
                distinctive=covered,
                coverage=round(coverage, 3),
                thresholds_met=met,
                thresholds_missed=missed,
                curated=path in self._curated_branch,
                head_terms=tuple(t for t in covered if t in head),
            )
            # The rank mixes the text match with the evidence an exporter can verify.
            rank = (
                4.0 * bm25 / best_bm25
                + 1.5 * keyword_weight
                + 4.0 * coverage
                + 1.0 * len(met)
                - 3.0 * len(missed)
            )
            governing = self._governing_exclusions(path)
            candidates.append(
                Candidate(
                    path=path,
                    score=round(rank, 3),
                    summary=entry.summary or entry.text,
                    citation=self.control_list.citation(path),
                    matched_terms=tuple(dict.fromkeys(t for m in members for t in m[2])),
                    provisions=tuple((m[1].path, m[1].text or m[1].summary) for m in members[:3]),
                    cyber_surveillance=entry.cyber_surveillance,
                    questions=entry.questions or self._inherited_questions(path),
                    may_release=governing,
                    released_by=self._releases(entry, governing, text, quantities),
                    evidence=evidence,
                    product_group_matches=group is None or entry.product_group is group,
                )
            )
        candidates.sort(key=lambda c: (not c.product_group_matches, -c.score, c.path))
        return candidates

    def _keyword_evidence(self, path: str, text: str) -> tuple[tuple[str, ...], float]:
        """Curated exporter phrases of the entry, its parents and the entries it points at.

        A phrase of several words is firmer evidence than a single word; a parent's words
        (e.g. "gsm" for all of 5A001.f) only say which branch the item is in.
        """
        sources: list[tuple[tuple[str, ...], float]] = [(self._phrases.get(path, ()), 1.0)]
        sources += [(self._phrases.get(a.path, ()), 0.5) for a in self.control_list.ancestors(path)]
        entry = self.control_list.get(path)
        sources += [
            (self._phrases.get(r.path, ()), 1.0)
            for r in (self._serves(entry) if entry else ())
            if not is_within(path, r.path)
        ]
        found: dict[str, float] = {}
        for phrases, factor in sources:
            for phrase in _phrases_in(phrases, text):
                weight = factor * (2.0 if " " in phrase or "-" in phrase else 1.0)
                found[phrase] = max(found.get(phrase, 0.0), weight)
        return tuple(found), sum(found.values())

    def _releases(
        self,
        entry: ControlEntry,
        governing: tuple[Exclusion, ...],
        text: str,
        quantities: dict[str, list[float]],
    ) -> tuple[Release, ...]:
        """The notes releasing a candidate, and those releasing every item it is for.

        Software or technology for a released item (DPI for marketing, released from
        5A001.j) is not software or technology for a listed item either.
        """
        own = tuple(
            Release(exclusion, matched)
            for exclusion in governing
            if (matched := _triggered(exclusion, text, quantities))
        )
        if own:
            return own
        served = [
            r
            for r in self._serves(entry)
            if not is_within(entry.path, r.path)
            and _phrases_in(self._phrases.get(r.path, ()), text)
        ]
        inherited: list[Release] = []
        for target in served:
            releases = [
                Release(exclusion, matched)
                for exclusion in self._governing_exclusions(target.path)
                if (matched := _triggered(exclusion, text, quantities))
            ]
            if not releases:
                return ()
            inherited.extend(r for r in releases if r not in inherited)
        return tuple(inherited)

    def _serves(self, entry: ControlEntry) -> tuple[ControlEntry, ...]:
        """The items a software or technology entry is for ("software for 5A004.b equipment").

        Only a reference across product groups says what the item is about: equipment that
        detects 5A001.f equipment (5A001.f.4) is not itself an interceptor.
        """
        return tuple(
            r for r in self.index.references(entry.path) if r.product_group != entry.product_group
        )

    def _thresholds(
        self, path: str, members: list[str], quantities: dict[str, list[float]]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Numeric conditions of the provisions that the description's figures meet or miss."""
        met: list[str] = []
        missed: list[str] = []
        for provision in dict.fromkeys([path, *members]):
            for condition in self._conditions.get(provision, ()):
                values = quantities.get(condition.dimension)
                if not values:
                    continue
                if any(condition.holds(value) for value in values):
                    met.append(f"{provision}: {condition.text}")
                else:
                    missed.append(f"{provision}: {condition.text}")
        return tuple(met), tuple(missed)

    @lru_cache(maxsize=8192)  # noqa: B019 - one classifier per list version, kept for its life
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
            if (matched := _phrases_in(tuple(_phrase(t) for t in category.triggers), text))
        )


# ---------------------------------------------------------------- product group
# What kind of thing the item is decides between equipment, software and technology
# entries (5A004.b, 5D002.c.3.b, 5E002.a), whatever function the three share.
_TECHNOLOGY = (
    "technology transfer",
    "transfer of technology",
    "know-how",
    "technical data",
    "technical assistance",
    "design documents",
    "design data",
    "blueprints",
    "schematics",
    "training",
    "curriculum",
    "course",
    "manuals",
    "documentation",
    "handover",
    "consulting",
    "consultancy",
    "retainer",
    "research service",
    "development service",
)
_SOFTWARE_FIRM = (
    "software licence",
    "software license",
    "sold as software",
    "software only",
    "runs on the customer",
    "runs on standard",
    "runs on your",
    "runs on any",
    "installs on",
)
_SOFTWARE = (
    "software",
    "application",
    "app",
    "program",
    "firmware",
    "engine",
    "utility",
    "framework",
    "library",
    "sdk",
    "plug-in",
    "plugin",
    "disassembler",
    "decompiler",
)
_EQUIPMENT = (
    "hardware",
    "appliance",
    "server",
    "rack",
    "box",
    "kit",
    "device",
    "camera",
    "chip",
    "van",
    "backpack",
    "handheld",
    "unit",
    "terminal",
    "antenna",
    "equipment",
    "encryptor",
    "workstation",
    "probe",
    "system",
    "computer",
    "router",
    "phone",
    "smartphone",
    "converter",
    "receiver",
    "transmitter",
    "scanner",
    "jammer",
    "blocker",
    "sensor",
    "laser",
    "radar",
)
_HEAD_CLAUSE = re.compile(r"^[^.:;(]*")
_NOUN_PHRASE_END = re.compile(r" (?:for|with|that|which|to|of|on|in|from|by|sold|using|and|plus) ")


def _kind_words(text: str) -> list[tuple[int, ProductGroup]]:
    """Kind words (software, device...) in a text, in order of appearance."""
    found = []
    for words, kind in ((_SOFTWARE, ProductGroup.D), (_EQUIPMENT, ProductGroup.A)):
        for word in words:
            for match in re.finditer(rf"(?<![a-z0-9]){re.escape(word)}s?(?![a-z0-9])", text):
                found.append((match.start(), kind))
    return sorted(found, key=lambda item: item[0])


def product_group(description: str) -> ProductGroup | None:
    """Equipment (A), software (D) or technology (E), from how the item is named.

    The head of the description (up to the first colon or full stop) names the item; the
    first kind word there decides, unless a firm phrase ("sold as a software licence") says
    otherwise. None when nothing says.
    """
    head = _HEAD_CLAUSE.match(normalise(description))
    head_text = _phrase(head.group(0) if head else description)
    text = _phrase(description)
    if _phrases_in(_TECHNOLOGY, head_text):
        return ProductGroup.E
    if _phrases_in(_SOFTWARE_FIRM, text):
        return ProductGroup.D
    # English names the kind last in the noun phrase: "mediation device software" is software,
    # "companion PC application for our hardware box" an application.
    noun_phrase = _NOUN_PHRASE_END.split(head_text, maxsplit=1)[0]
    last = _kind_words(noun_phrase)
    if last:
        return last[-1][1]
    for scope in (head_text, text):
        found = _kind_words(scope)
        if found:
            return found[0][1]
    return None


def _head_tokens(description: str) -> list[str]:
    """Tokens of the noun phrase that names the item ("desktop quantum computer" in "Desktop
    quantum computer for schools, with ..."), not of what it is for or comes with.

    A head of fewer than two content words ("Falcon X: ...") is a name, not a description;
    then the next clause counts too.
    """
    clauses = [c for c in re.split(r"[.:;,]\s", description) if c.strip()]
    head: list[str] = []
    for clause in clauses:
        noun_phrase = _NOUN_PHRASE_END.split(_phrase(clause), maxsplit=1)[0]
        head += [t for t in blind_tokens(noun_phrase) if t not in GENERIC]
        if len(head) >= 2:
            break
    return head


# Words saying the description holds back what the item does: ask, do not conclude.
_WITHHELD = (
    "under nda",
    "under non-disclosure",
    "on request",
    "upon request",
    "confidential",
    "cannot disclose",
    "not disclosed",
    "details available",
)


# ---------------------------------------------------------------- phrases
def _phrase(text: str) -> str:
    """Lower case, accents and punctuation folded, so that "Open-source" meets "open source"."""
    folded = re.sub(r"[^a-z0-9/.%<>=µμ]+", " ", normalise(text))
    return " " + re.sub(r"\s+", " ", folded).strip() + " "


def _phrases_in(phrases: tuple[str, ...], text: str) -> tuple[str, ...]:
    """The phrases that occur as whole words (a plural s allowed) in the folded text."""
    found = []
    for phrase in phrases:
        pattern = _phrase_pattern(phrase)
        # An "IMSI catcher detector" is not an IMSI catcher: what a detector detects does
        # not describe the item.
        if pattern is not None and any(
            not _DETECTED.match(text, match.end()) for match in pattern.finditer(text)
        ):
            found.append(phrase.strip())
    return tuple(dict.fromkeys(found))


_DETECTED = re.compile(r" (?:detector|detectors|detection|detecting)(?![a-z0-9])")


@lru_cache(maxsize=8192)
def _phrase_pattern(phrase: str) -> re.Pattern[str] | None:
    folded = _phrase(phrase).strip()
    if not folded:
        return None
    return re.compile(rf"(?<![a-z0-9]){re.escape(folded)}(?:e?s)?(?![a-z0-9])")


def _triggered(
    exclusion: Exclusion, text: str, quantities: dict[str, list[float]]
) -> tuple[str, ...]:
    """Trigger phrases the description uses; a trigger like "<= 9 Hz" tests its figures."""
    matched: list[str] = []
    for trigger in exclusion.triggers:
        condition = _trigger_condition(trigger)
        if condition is None:
            matched.extend(_phrases_in((trigger,), text))
        elif any(condition.holds(v) for v in quantities.get(condition.dimension, ())):
            matched.append(trigger)
    return tuple(matched)


# ---------------------------------------------------------------- numeric thresholds
# unit -> (dimension, factor to the base unit)
_UNITS: dict[str, tuple[str, float]] = {
    "bit": ("bit", 1),
    "bits": ("bit", 1),
    "sps": ("sample/s", 1),
    "ksps": ("sample/s", 1e3),
    "msps": ("sample/s", 1e6),
    "gsps": ("sample/s", 1e9),
    "gs/s": ("sample/s", 1e9),
    "ms/s": ("sample/s", 1e6),
    "mega samples per second": ("sample/s", 1e6),
    "giga samples per second": ("sample/s", 1e9),
    "hz": ("Hz", 1),
    "khz": ("Hz", 1e3),
    "mhz": ("Hz", 1e6),
    "ghz": ("Hz", 1e9),
    "thz": ("Hz", 1e12),
    "nm": ("m", 1e-9),
    "um": ("m", 1e-6),
    "µm": ("m", 1e-6),
    "μm": ("m", 1e-6),
    "micron": ("m", 1e-6),
    "microns": ("m", 1e-6),
    "qubit": ("qubit", 1),
    "qubits": ("qubit", 1),
    "physical qubits": ("qubit", 1),
    "gb/s": ("bit/s", 1e9),
    "gbit/s": ("bit/s", 1e9),
    "gbps": ("bit/s", 1e9),
    "mbit/s": ("bit/s", 1e6),
    "mbps": ("bit/s", 1e6),
    "tb/s": ("bit/s", 1e12),
    "tbit/s": ("bit/s", 1e12),
}
_UNIT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_NUMBER = r"\d{1,3}(?:[ ,]\d{3})+(?![0-9])|\d+(?:[.,]\d+)?"
_QUANTITY = re.compile(
    rf"(?<![0-9a-z.])({_NUMBER})(?:\s*(?:-|to|–)\s*({_NUMBER}))?\s*-?\s*({_UNIT})(?![a-z0-9])"
)
_COMPARATORS = (
    ("equal to or greater than", ">="),
    ("equal to or more than", ">="),
    ("equal to or exceeding", ">="),
    ("greater than or equal to", ">="),
    ("not less than", ">="),
    ("at least", ">="),
    ("equal to or less than", "<="),
    ("less than or equal to", "<="),
    ("not exceeding", "<="),
    ("not more than", "<="),
    ("greater than", ">"),
    ("more than", ">"),
    ("exceeding", ">"),
    ("above", ">"),
    ("higher than", ">"),
    ("less than", "<"),
    ("fewer than", "<"),
    ("below", "<"),
    ("lower than", "<"),
)
_PREFIXED = re.compile(
    r"(" + "|".join(re.escape(c) for c, _ in _COMPARATORS) + rf")\s+({_NUMBER})(?![0-9])"
)
_SUFFIXED = re.compile(
    rf"(?<![0-9.])({_NUMBER})\s*({_UNIT})?\s+(or more|or greater|or less|or fewer)"
)
_PER_UNIT = re.compile(
    rf"(?<![0-9.])(\d+)\s+(?:[a-z-]+\s+){{1,4}}(?:at|of)\s+(?:up to\s+)?({_NUMBER})\s*({_UNIT})\s+each"
)
_MEASURE = re.compile(rf"[0-9][0-9.,x]*[a-z]*|{_UNIT}|rate|frame|resolution|sample|speed")
_TRIGGER = re.compile(rf"^\s*(<=|>=|<|>)\s*({_NUMBER})\s*({_UNIT})\s*$")


@dataclass(frozen=True, slots=True)
class Condition:
    dimension: str
    operator: str
    value: float
    text: str

    def holds(self, value: float) -> bool:
        tolerance = 1e-9 * max(abs(self.value), 1.0)
        return {
            ">": value > self.value + tolerance,
            ">=": value >= self.value - tolerance,
            "<": value < self.value - tolerance,
            "<=": value <= self.value + tolerance,
        }[self.operator]


def _number(raw: str) -> float:
    raw = raw.strip()
    if re.fullmatch(r"\d{1,3}(?:[ ,]\d{3})+", raw):
        return float(re.sub(r"[ ,]", "", raw))
    return float(raw.replace(",", "."))


def _unit_after(text: str, position: int) -> str | None:
    """The unit of a figure: right after it, or the first unit later in the same clause."""
    clause = re.split(r"[;]", text[position : position + 140], maxsplit=1)[0]
    match = re.search(rf"(?<![a-z0-9])({_UNIT})(?![a-z0-9])", clause)
    return match.group(1) if match else None


def _conditions(provision: str) -> tuple[Condition, ...]:
    """Thresholds a provision states ("greater than 400 MSPS", "100 or more ... qubits")."""
    text = _phrase(provision)
    found: list[Condition] = []
    for match in _PREFIXED.finditer(text):
        operator = dict(_COMPARATORS)[match.group(1)]
        unit = _unit_after(text, match.end(2))
        if unit is not None:
            dimension, factor = _UNITS[unit]
            value = _number(match.group(2)) * factor
            found.append(Condition(dimension, operator, value, match.group(0).strip()))
    for match in _SUFFIXED.finditer(text):
        unit = match.group(2) or _unit_after(text, match.end(1))
        if unit is not None:
            dimension, factor = _UNITS[unit]
            operator = ">=" if match.group(3) in ("or more", "or greater") else "<="
            value = _number(match.group(1)) * factor
            found.append(Condition(dimension, operator, value, match.group(0).strip()))
    return tuple(found)


def _quantities(text: str) -> dict[str, list[float]]:
    """Figures with units in a description ("12-bit", "3 GSPS", "8-14 um", "156 qubits").

    A per-unit figure with a count ("96 transceivers at 32.75 Gb/s each") also gives the
    aggregate, which is what thresholds such as an aggregate data rate measure.
    """
    found: dict[str, list[float]] = {}
    for match in _QUANTITY.finditer(text):
        dimension, factor = _UNITS[match.group(3)]
        for raw in (match.group(1), match.group(2)):
            if raw:
                found.setdefault(dimension, []).append(_number(raw) * factor)
    for match in _PER_UNIT.finditer(text):
        dimension, factor = _UNITS[match.group(3)]
        total = _number(match.group(1)) * _number(match.group(2)) * factor
        found.setdefault(dimension, []).append(total)
    return found


def _trigger_condition(trigger: str) -> Condition | None:
    match = _TRIGGER.match(normalise(trigger))
    if match is None:
        return None
    dimension, factor = _UNITS[match.group(3)]
    value = _number(match.group(2)) * factor
    return Condition(dimension, match.group(1), value, trigger)

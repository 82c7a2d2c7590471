"""Red flags: facts about a transaction that raise the risk whatever the destination's record.

Each flag cites the guidance it comes from. The texts are Licentia's paraphrases; the
Recommendations are non-binding Commission guidance (check the Official Journal text):

- Commission Recommendation (EU) 2024/2659 of 11 October 2024 on guidelines for the export of
  cyber-surveillance items under Article 5 of Regulation (EU) 2021/821: section 3, due
  diligence (3.2 review of the item's capabilities, 3.3 review of the stakeholders);
- Commission Recommendation (EU) 2019/1318 of 30 July 2019 on internal compliance programmes
  for dual-use trade controls: Annex, core element 4 (transaction screening: end-use and
  end-user risk assessment and its red flags).

`weight` is the flag's strength on the 0..1 scale: the share of the remaining distance to the
maximum score that the flag alone closes (see `licentia.risk.assess`, noisy-OR). A flag that
answers the criterion 2 question directly (earlier misuse by this end user, customisation
against groups protected by human-rights law) weighs 0.6; design features that point to
repression (covert operation, population-wide scale, no legal safeguards) 0.3; the generic
diversion warnings of the compliance-programme guidance 0.15 to 0.25, since they show a risk
of diversion more than of repression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from licentia.errors import InvalidInput

RECO_2024_2659 = "Commission Recommendation (EU) 2024/2659"
RECO_2019_1318 = "Commission Recommendation (EU) 2019/1318"


class FlagOrigin(StrEnum):
    """How a flag came to be raised on an assessment."""

    DECLARED = "declared"
    END_USE = "end-use"

    @property
    def description(self) -> str:
        return {
            FlagOrigin.DECLARED: "Raised by the exporter or the officer",
            FlagOrigin.END_USE: "Read from the words of the declared end use",
        }[self]


@dataclass(frozen=True, slots=True)
class RedFlag:
    id: str
    text: str
    citation: str
    weight: float
    # Words of a declared end use that raise the flag by themselves (whole words, any case).
    end_use_terms: tuple[str, ...] = ()


CATALOGUE: tuple[RedFlag, ...] = (
    RedFlag(
        "previous-misuse",
        "The end user, or the security body it serves, has been credibly reported to have "
        "used surveillance items for internal repression or serious human-rights violations.",
        f"{RECO_2024_2659}, section 3.3 (stakeholder review: earlier misuse)",
        0.6,
    ),
    RedFlag(
        "targeting-protected-groups",
        "The end use, the requested capabilities or the customisation aim at journalists, "
        "human-rights defenders, political opponents, protesters, or ethnic, religious or "
        "other minorities.",
        f"{RECO_2024_2659}, sections 1.3 and 3.2 (internal repression; capabilities review)",
        0.6,
        (
            "journalist",
            "journalists",
            "activist",
            "activists",
            "opposition",
            "dissident",
            "dissidents",
            "protester",
            "protesters",
            "demonstrators",
            "human rights defenders",
            "minority",
            "minorities",
            "uyghur",
            "uyghurs",
            "lgbt",
            "political opponents",
        ),
    ),
    RedFlag(
        "covert-capabilities",
        "The item is marketed or customised for covert operation: undetectable, remote, "
        "without the knowledge of the persons monitored.",
        f"{RECO_2024_2659}, section 3.2 (capabilities review: covert surveillance)",
        0.3,
    ),
    RedFlag(
        "mass-surveillance",
        "The item is to be scaled for or integrated into population-wide monitoring "
        "(nationwide interception, city-wide identification) rather than targeted use.",
        f"{RECO_2024_2659}, section 3.2 (capabilities review)",
        0.3,
        ("nationwide", "entire population", "whole population", "all citizens", "mass"),
    ),
    RedFlag(
        "no-legal-safeguards",
        "In the destination, the surveillance the item performs is not subject to a legal "
        "basis with independent authorisation and oversight.",
        f"{RECO_2024_2659}, section 3.3 (stakeholder review: the end user's legal framework)",
        0.3,
    ),
    RedFlag(
        "end-use-mismatch",
        "The declared end use is implausible for the item, the quantity or the end user's "
        "activity.",
        f"{RECO_2019_1318}, Annex, core element 4 (end-use red flags); "
        f"{RECO_2024_2659}, section 3.3",
        0.3,
    ),
    RedFlag(
        "reluctant-end-use-statement",
        "The customer is reluctant to give an end-use statement or information on the end use "
        "or the end user.",
        f"{RECO_2019_1318}, Annex, core element 4 (red flags); {RECO_2024_2659}, section 3.3",
        0.25,
    ),
    RedFlag(
        "intermediary-or-front",
        "The buyer or consignee is a trading company, shell or other intermediary whose "
        "business does not match the item.",
        f"{RECO_2019_1318}, Annex, core element 4 (red flags)",
        0.25,
    ),
    RedFlag(
        "unusual-routing",
        "Unusual shipping route or delivery point: a freight forwarder, a third country, a "
        "destination that does not fit the end user.",
        f"{RECO_2019_1318}, Annex, core element 4 (red flags)",
        0.2,
    ),
    RedFlag(
        "unusual-payment",
        "Unusual payment: cash, payment by a third party, a price well above the market.",
        f"{RECO_2019_1318}, Annex, core element 4 (red flags)",
        0.2,
    ),
    RedFlag(
        "excessive-confidentiality",
        "Requests for unusual confidentiality about the final destination, the end user or "
        "the item.",
        f"{RECO_2019_1318}, Annex, core element 4 (red flags)",
        0.15,
    ),
    RedFlag(
        "unfamiliar-customer",
        "The customer lacks the knowledge to use the item, or declines the usual "
        "installation, training or maintenance.",
        f"{RECO_2019_1318}, Annex, core element 4 (red flags)",
        0.15,
    ),
)

FLAGS: dict[str, RedFlag] = {flag.id: flag for flag in CATALOGUE}


def flag(flag_id: str, *, field: str) -> RedFlag:
    found = FLAGS.get(flag_id.strip().lower())
    if found is None:
        raise InvalidInput(
            f"{field}: unknown red flag {flag_id!r}; choose one of {', '.join(FLAGS)}",
            details={"field": field},
        )
    return found


@dataclass(frozen=True, slots=True)
class RaisedFlag:
    flag: RedFlag
    origin: FlagOrigin
    weight: float  # the configured weight used (an authority may set its own)
    detail: str = ""


def end_use_flags(end_use: str) -> list[tuple[RedFlag, str]]:
    """The flags whose terms occur in a declared end use, with the words found."""
    text = " ".join(end_use.casefold().split())
    found: list[tuple[RedFlag, str]] = []
    for candidate in CATALOGUE:
        words = [
            term for term in candidate.end_use_terms if re.search(rf"\b{re.escape(term)}\b", text)
        ]
        if words:
            found.append((candidate, ", ".join(words)))
    return found

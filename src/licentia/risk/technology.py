"""What the exported technology can do: listed cyber-surveillance entries and non-listed categories.

A listed entry (Annex I to Regulation (EU) 2021/821) is a cyber-surveillance item when the annex
of Recommendation (EU) 2024/2659 names it (`licentia.controls.cyber`); each of those entries
belongs to one category below. A non-listed item is described by its category alone (the
potential cyber-surveillance items of section 2.2 of the Recommendation, and the kinds the
curated control-list data names under `non_listed_cyber_surveillance`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from licentia.controls.cyber import is_cyber_surveillance
from licentia.controls.model import PATH, is_within
from licentia.errors import InvalidInput


class TechnologyCategory(StrEnum):
    INTRUSION = "intrusion"
    INTERCEPTION = "interception"
    MONITORING_CENTRE = "monitoring-centre"
    IP_NETWORK_SURVEILLANCE = "ip-network-surveillance"
    FORENSICS = "forensics"
    CRYPTANALYSIS = "cryptanalysis"
    FACIAL_RECOGNITION = "facial-recognition"
    EMOTION_RECOGNITION = "emotion-recognition"
    VOICE_BIOMETRICS = "voice-biometrics"
    LOCATION_TRACKING = "location-tracking"
    VIDEO_SURVEILLANCE = "video-surveillance"
    SOCIAL_MEDIA_MONITORING = "social-media-monitoring"
    DATA_RETENTION = "data-retention"

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]

    @classmethod
    def parse(cls, value: str, *, field: str) -> TechnologyCategory:
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise InvalidInput(
                f"{field}: unknown cyber-surveillance category {value!r}; choose one of "
                f"{', '.join(c.value for c in cls)}",
                details={"field": field},
            ) from None


_DESCRIPTIONS = {
    TechnologyCategory.INTRUSION: (
        "Intrusion software and the platforms that deliver and control it: covert access to "
        "the content, microphone and camera of a person's device (4A005, 4D004, 4E001.a/.c)"
    ),
    TechnologyCategory.INTERCEPTION: (
        "Interception of mobile or other telecommunications, IMSI catchers (5A001.f)"
    ),
    TechnologyCategory.MONITORING_CENTRE: (
        "Law-enforcement monitoring centres: search and analysis of intercepted content and "
        "metadata by hard selectors, mapping of relations and movements (5D001.e)"
    ),
    TechnologyCategory.IP_NETWORK_SURVEILLANCE: (
        "Surveillance of a carrier-class IP network: content extraction, indexing, searches on "
        "hard selectors, relational mapping (5A001.j)"
    ),
    TechnologyCategory.FORENSICS: (
        "Digital forensics tools extracting data from devices by circumventing authentication "
        "(5A004.b, 5D002.a.3.b, 5D002.c.3.b)"
    ),
    TechnologyCategory.CRYPTANALYSIS: "Cryptanalytic equipment defeating encryption (5A004.a)",
    TechnologyCategory.FACIAL_RECOGNITION: (
        "Facial recognition systems (Recommendation (EU) 2024/2659, section 2.2.1)"
    ),
    TechnologyCategory.EMOTION_RECOGNITION: (
        "Emotion recognition systems (Recommendation (EU) 2024/2659, section 2.2.1)"
    ),
    TechnologyCategory.VOICE_BIOMETRICS: "Voice biometrics and speaker identification",
    TechnologyCategory.LOCATION_TRACKING: (
        "Location-tracking devices (Recommendation (EU) 2024/2659, section 2.2.2)"
    ),
    TechnologyCategory.VIDEO_SURVEILLANCE: (
        "Video-surveillance systems and analytics (Recommendation (EU) 2024/2659, section 2.2.3)"
    ),
    TechnologyCategory.SOCIAL_MEDIA_MONITORING: "Social-media and open-source monitoring of persons",
    TechnologyCategory.DATA_RETENTION: (
        "Data-retention systems storing telecommunications metadata for the authorities"
    ),
}

# The category of each listed cyber-surveillance entry of the annex of Recommendation 2024/2659.
LISTED_CATEGORIES: dict[str, TechnologyCategory] = {
    "4A005": TechnologyCategory.INTRUSION,
    "4D004": TechnologyCategory.INTRUSION,
    "4E001.a": TechnologyCategory.INTRUSION,
    "4E001.c": TechnologyCategory.INTRUSION,
    "5A001.f": TechnologyCategory.INTERCEPTION,
    "5A001.j": TechnologyCategory.IP_NETWORK_SURVEILLANCE,
    "5D001.e": TechnologyCategory.MONITORING_CENTRE,
    "5A004.a": TechnologyCategory.CRYPTANALYSIS,
    "5A004.b": TechnologyCategory.FORENSICS,
    "5D002.a.3.b": TechnologyCategory.FORENSICS,
    "5D002.c.3.b": TechnologyCategory.FORENSICS,
}


@dataclass(frozen=True, slots=True)
class ItemTechnology:
    """One control entry given as the item: its category when it is a cyber-surveillance item."""

    path: str
    category: TechnologyCategory | None

    @property
    def cyber_surveillance(self) -> bool:
        return self.category is not None


def item_technology(path: str, *, field: str) -> ItemTechnology:
    """The category of a control entry, or `None` when it is not a listed cyber-surveillance item."""
    entry = path.strip()
    if not PATH.match(entry):
        raise InvalidInput(
            f"{field}: {path!r} is not an Annex I entry (expected e.g. 5A001.j or 4A005)",
            details={"field": field},
        )
    if not is_cyber_surveillance(entry):
        return ItemTechnology(entry, None)
    for listed, category in LISTED_CATEGORIES.items():
        if is_within(entry, listed):
            return ItemTechnology(entry, category)
    raise AssertionError(f"{entry} is a cyber-surveillance entry without a category")

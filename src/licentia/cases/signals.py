"""Sent after commit when a restrictive decision is recorded, so other domains can react.

kwargs: `decision` (RestrictiveDecision). The coordination issue notifies the other Member
States and the Commission from it (Art 16(2) of Regulation (EU) 2021/821).
"""

from django.dispatch import Signal

restrictive_decision_recorded = Signal()

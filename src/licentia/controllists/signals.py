"""Sent after a new list version is stored, so other domains can react (products to review)."""

from django.dispatch import Signal

# kwargs: list_version (ControlListVersion), diff (licentia.controls.diff.ListDiff | None).
# A receiver that flags stored records for review returns how many it flagged.
list_version_imported = Signal()

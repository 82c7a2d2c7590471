"""Sent after commit when a new list version becomes active, so other domains can react.

kwargs: `version` (PartyListVersion, now active), `previous` (PartyListVersion or None, now
superseded), `fingerprint` (str, `services.active_fingerprint()` after the change). The
screening app rebuilds its index; later issues re-screen stored parties.
"""

from django.dispatch import Signal

party_list_activated = Signal()

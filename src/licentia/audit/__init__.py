"""The append-only, hash-chained audit log of every transition and decision."""

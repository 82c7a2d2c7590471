"""Restricted-party screening: official lists, one entity model, a name matcher that explains its hits."""

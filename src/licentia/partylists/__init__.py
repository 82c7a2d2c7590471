"""Stored restricted-party list versions: import, activation, differences, download."""

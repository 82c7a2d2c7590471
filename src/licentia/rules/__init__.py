"""Licence determination: does this transaction need a licence, and under which provisions of law."""

"""Licentia: export control of cyber-surveillance and other dual-use items (Regulation (EU) 2021/821)."""

__version__ = "0.1.0"

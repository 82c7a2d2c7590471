"""Explicit state machines: a table of states and named transitions, checked in one place."""

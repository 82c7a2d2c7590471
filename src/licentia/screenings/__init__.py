"""Screening of parties against the active restricted-party lists: services, API, page, CLI."""

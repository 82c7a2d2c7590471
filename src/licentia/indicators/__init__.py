"""Stored human-rights indicator editions, the `IndicatorStore` over them, and country pages."""

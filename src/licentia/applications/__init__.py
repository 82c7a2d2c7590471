"""Exporters' applications for authorisations, their parties, goods and documents."""

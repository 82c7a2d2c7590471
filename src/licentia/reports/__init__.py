"""The public report engine: Art 26(2) report data with statistical disclosure control.

Pure Python (numpy for the aggregation), no Django and no database: the service layer in
`licentia.transparency` reads decision facts from the database and calls `build_report`.
"""

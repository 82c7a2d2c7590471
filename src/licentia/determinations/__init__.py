"""Licence determination for users: the API, the public checker page and `licentia check`."""

"""Licences issued on a grant, their verification, amendments and use."""

"""Transparency: the public Art 26(2) report from the decisions the product stores."""

"""The authority's side of an application: the case, its dossier, assessment and decision."""

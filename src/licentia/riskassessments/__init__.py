"""Human-rights risk assessments: an authority's configuration with its change log, the API, the panel."""

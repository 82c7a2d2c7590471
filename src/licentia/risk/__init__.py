"""Human-rights risk assessment: indicators with provenance, red flags and an explainable rating."""

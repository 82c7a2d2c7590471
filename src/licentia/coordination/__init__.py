"""Coordination between Member States: denial notices, essentially identical transactions,
consultations, catch-all notices and the messages other deployments exchange."""

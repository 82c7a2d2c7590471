"""Public portal: published export-control statistics, charts, open data and the Atom feed."""

"""Op table rows: indexing ops."""
SPECS = []

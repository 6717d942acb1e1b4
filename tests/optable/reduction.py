"""Op table rows: reduction ops."""
SPECS = []

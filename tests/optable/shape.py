"""Op table rows: shape ops."""
SPECS = []

"""Op table rows: linalg ops."""
SPECS = []

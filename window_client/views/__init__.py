"""The window client's and the rating pad's widgets (no network, no state of their own)."""

"""The kiosk's widgets (no network, no rules: they show the controller's state)."""

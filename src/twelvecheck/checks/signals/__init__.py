"""TWC3xx: SIGTERM ignored or never handled."""

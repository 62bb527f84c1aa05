"""TWC0xx: twelvecheck's own input (parse errors, unused suppressions)."""

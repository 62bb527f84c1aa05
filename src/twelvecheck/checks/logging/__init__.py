"""TWC2xx: logs written to files instead of standard output."""

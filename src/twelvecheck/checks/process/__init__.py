"""TWC1xx: PID files, daemonizing, detaching, self-supervision."""

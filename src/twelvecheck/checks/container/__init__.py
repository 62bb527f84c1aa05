"""TWC7xx: what a Dockerfile's image runs as PID 1."""

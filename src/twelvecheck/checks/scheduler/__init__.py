"""TWC4xx: schedulers inside web and worker processes."""

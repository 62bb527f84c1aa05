"""TWC5xx: Procfile syntax, portability, and what its commands do."""

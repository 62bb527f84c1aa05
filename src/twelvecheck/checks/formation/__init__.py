"""TWC6xx: the formation against the Procfile."""

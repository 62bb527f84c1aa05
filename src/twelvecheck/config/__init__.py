"""Configuration files and rule selectors."""

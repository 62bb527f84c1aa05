"""One file at a time: parse it once, run every enabled rule in one traversal; the rule API."""

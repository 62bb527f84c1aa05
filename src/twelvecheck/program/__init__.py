"""The whole program: per-file facts, the call graph, entry points, how a process lives."""

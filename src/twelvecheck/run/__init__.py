"""One run: settings in; discovery, the per-file analysis (parallel, cached), the whole-program pass; findings out."""

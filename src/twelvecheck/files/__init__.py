"""Which files a run reads: discovery, exclude and .gitignore rules, module names, decoding."""

"""--fix and --diff: applying edits to files, never breaking one."""

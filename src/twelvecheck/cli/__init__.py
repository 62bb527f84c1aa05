"""The command line: check, formation, rules, explain; baselines and report outputs."""

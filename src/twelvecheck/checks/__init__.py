"""Every rule: one module each, with its cases, in one folder per family (the TWCnxx ranges).

Modules whose names start with an underscore hold helpers of their family. Nothing here is
imported for its side effects: ``engine/registry.load_rules`` finds the rules.
"""

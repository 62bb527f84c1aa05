"""Selectors (codes, code prefixes, family names, slugs, ALL) -> sets of rule codes."""

from __future__ import annotations


from twelvecheck.core.ruledocs import FAMILIES, load_rule_docs


class SelectorError(ValueError):
    pass


def expand(selector: str) -> set[str]:
    """The codes one selector names; raises SelectorError with a suggestion if none."""
    docs = load_rule_docs()
    text = selector.strip()
    if text.upper() == "ALL":
        return set(docs)
    if text.lower() in FAMILIES:
        return {code for code, doc in docs.items() if doc.family == text.lower()}
    by_prefix = {code for code in docs if code.startswith(text.upper())} if text.upper().startswith("TWC") else set()
    if by_prefix:
        return by_prefix
    by_name = {code for code, doc in docs.items() if doc.name == text.lower()}
    if by_name:
        return by_name
    choices = [*docs, *FAMILIES, *(doc.name for doc in docs.values())]
    import difflib  # only for a misspelt code

    close = difflib.get_close_matches(text, choices, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise SelectorError(
        f"unknown rule selector {selector!r}{hint} (expected a code such as TWC201, a prefix "
        f"such as TWC2, a family ({', '.join(FAMILIES)}), a rule name, or ALL)"
    )


# Rules that read the process model (deploy/process_model.py), besides the TWC5 and TWC6 families.
PROCESS_MODEL_CODES = frozenset({"TWC101", "TWC302", "TWC303", "TWC401"})


def wants_process_files(enabled: set[str]) -> bool:
    """Whether a run of these codes reads Procfiles and app.json and builds the process model."""
    return any(code.startswith(("TWC5", "TWC6")) or code in PROCESS_MODEL_CODES for code in enabled)


def default_codes() -> set[str]:
    return {code for code, doc in load_rule_docs().items() if doc.default_enabled}


def resolve(select: list[str] | None, extend_select: list[str], ignore: list[str]) -> set[str]:
    """ruff's semantics: ``select`` replaces the default set, ``extend-select`` adds to it,
    ``ignore`` removes from it. An explicit select of a specific code beats a broader ignore
    only when it is more specific (``--ignore TWC2 --select TWC201`` keeps TWC201)."""
    codes = set(default_codes()) if select is None else set()
    specific: dict[str, int] = {}
    for selector in [*(select or []), *extend_select]:
        for code in expand(selector):
            codes.add(code)
            specific[code] = max(specific.get(code, 0), _specificity(selector))
    for selector in ignore:
        for code in expand(selector):
            if _specificity(selector) >= specific.get(code, 0):
                codes.discard(code)
    return codes


def _specificity(selector: str) -> int:
    text = selector.strip().upper()
    if text == "ALL":
        return 0
    if text.startswith("TWC"):
        return len(text)
    if text.lower() in FAMILIES:
        return 1
    return len("TWC000")  # a rule name is as specific as its code

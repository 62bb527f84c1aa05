"""Selectors (codes, code prefixes, family names, slugs, ALL) -> sets of rule codes."""

from __future__ import annotations


import re

from twelvecheck.core.ruledocs import DEPLOYMENT_INPUTS, FAMILIES, load_rule_docs

# A code or the start of one: TWC2, TWC201, a local rule's ACME, ACME1.
_CODE_PREFIX_RE = re.compile(r"^[A-Z]{2,6}\d*$")


class SelectorError(ValueError):
    pass


def expand(selector: str) -> set[str]:
    """The codes one selector names; raises SelectorError with a suggestion if none."""
    docs = load_rule_docs()
    text = selector.strip()
    if text.upper() == "ALL":
        return set(docs)
    if text.lower() in FAMILIES or any(doc.family == text.lower() for doc in docs.values()):
        return {code for code, doc in docs.items() if doc.family == text.lower()}
    by_prefix = {code for code in docs if code.startswith(text.upper())} if _CODE_PREFIX_RE.match(text.upper()) \
        else set()
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


def reads_any(enabled: set[str], inputs: frozenset[str] | set[str]) -> bool:
    """Whether a rule among these codes reads one of ``inputs`` (a rule document's ``inputs``)."""
    docs = load_rule_docs()
    return any(not inputs.isdisjoint(docs[code].inputs) for code in enabled if code in docs)


def wants_process_files(enabled: set[str]) -> bool:
    """Whether a run of these codes reads Procfiles and app.json and builds the process model."""
    return reads_any(enabled, DEPLOYMENT_INPUTS)


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
    if text.lower() in FAMILIES:
        return 1
    if _CODE_PREFIX_RE.match(text) and any(code.startswith(text) for code in load_rule_docs()):
        return len(text)
    return len("TWC000")  # a rule name is as specific as its code

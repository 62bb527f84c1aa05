"""Rule documents: ``rules/TWCnnn.md`` is the single source of a rule's metadata.

Each document is TOML front matter between ``+++`` lines followed by Markdown sections in
ruff's order. The wheel carries the folder as ``twelvecheck/_rules``; a source checkout
reads the top-level ``rules/`` folder directly.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from twelvecheck.core import toml as _toml
from twelvecheck.core.findings import Severity
from twelvecheck.core.values import Frozen, init_field

DOCS_BASE_URI = "https://github.com/twelvecheck/twelvecheck/blob/main/rules/"

FAMILIES: dict[str, str] = {
    "meta": "problems with twelvecheck's own input: unparseable files, unused suppressions",
    "process": "PID files, daemonizing, detaching, self-supervision",
    "logging": "logs written to files instead of stdout/stderr",
    "signals": "SIGTERM ignored or never handled by long-running processes",
    "scheduler": "schedulers run inside web or worker processes",
    "procfile": "Procfile syntax and the commands it runs",
    "formation": "process formation: how many of each process type run",
    "container": "what a Dockerfile's image runs as PID 1: shells that keep SIGTERM from the program, process managers",
}

SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")
# Between "Use instead" and "References", in every rule with a fix (ruff's order).
FIX_SECTION = "Fix safety"
APPLICABILITIES = ("safe", "unsafe")
REQUIRED_KEYS = {
    "code": str,
    "name": str,
    "family": str,
    "severity": str,
    "summary": str,
    "message": str,
    "fix": list,
}
OPTIONAL_KEYS = {"default_enabled": bool, "inputs": list, "scale_hazard": str, "scale_replaces": str,
                 "local_files": bool}
# What a rule may read besides Python source; a run discovers those files and builds what
# is needed only when an enabled rule reads it. "process-model": the Procfiles, formations
# and the code each process type runs (deploy/process_model.py); "dockerfile": Dockerfiles
# and the scripts they run (deploy/container.py); "script": shell scripts; "server-config":
# gunicorn config modules, uwsgi ini/yaml, supervisord.conf (read as data).
INPUTS = ("python", "logging-config", "procfile", "appjson", "dockerfile", "process-model", "script",
          "server-config")
DEPLOYMENT_INPUTS = frozenset({"procfile", "appjson", "dockerfile", "process-model", "script"})

CODE_RE = re.compile(r"^TWC\d{3}$")
# A local rule's or a plugin's code: its own prefix of 2 to 6 capital letters (never TWC,
# nor one that starts with it), then 1 to 4 digits: ACME101.
EXTENSION_CODE_RE = re.compile(r"^(?!TWC)[A-Z]{2,6}\d{1,4}$")
BUILTIN = "builtin"
SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_FRONT_MATTER_RE = re.compile(r"\A\+\+\+\r?\n(.*?)\r?\n\+\+\+\r?\n(.*)\Z", re.S)
_HEADING_RE = re.compile(r"^## +(.+?) *$", re.M)
_FENCE_RE = re.compile(r"^```([\w-]*)\r?\n(.*?)^```", re.M | re.S)


class RuleDocError(ValueError):
    pass


class RuleDoc(Frozen):  # core/values.py: a frozen dataclass cost a replay's start 0.8 ms
    __slots__ = ("code", "name", "family", "severity", "summary", "message", "fix", "default_enabled", "body",
                 "sections", "source", "inputs", "scale_hazard", "scale_replaces", "local_files", "origin")
    code: str
    name: str
    family: str
    severity: Severity
    summary: str
    message: str
    fix: tuple[str, ...]  # the applicabilities of the fixes the rule offers: () for none
    default_enabled: bool
    body: str
    sections: dict[str, str]
    source: Path
    inputs: tuple[str, ...]
    # Added to the message when the code that holds the finding runs in a process type
    # scaled above one: "{type} runs {n} processes: ..." (deploy/process_model.py).
    scale_hazard: str | None
    # The clause of the message that says the same as the hazard in general terms ("at N
    # processes every job runs N times"): the hazard takes its place, so it is said once.
    scale_replaces: str | None
    # Whether the rule also reports in a deployment file meant for a developer's machine
    # (files/kinds.is_local_file: Procfile.dev, Dockerfile.dev, a Compose override for
    # development): true for what breaks the file there too (it cannot be read, a merge
    # conflict); false for production and portability findings, which such a file does not
    # get unless the configuration says `local-files = "check"` (run/runner.py).
    local_files: bool
    # Where the rule comes from: "builtin", "local <path>" or "plugin <distribution> <version>".
    origin: str

    def __init__(self, code: str, name: str, family: str, severity: Severity, summary: str, message: str,
                 fix: tuple[str, ...], default_enabled: bool, body: str, sections: dict[str, str], source: Path,
                 inputs: tuple[str, ...] = ("python",), scale_hazard: str | None = None,
                 scale_replaces: str | None = None, local_files: bool = False, origin: str = BUILTIN) -> None:
        init_field(self, "code", code)
        init_field(self, "name", name)
        init_field(self, "family", family)
        init_field(self, "severity", severity)
        init_field(self, "summary", summary)
        init_field(self, "message", message)
        init_field(self, "fix", fix)
        init_field(self, "default_enabled", default_enabled)
        init_field(self, "body", body)
        init_field(self, "sections", sections)
        init_field(self, "source", source)
        init_field(self, "inputs", inputs)
        init_field(self, "scale_hazard", scale_hazard)
        init_field(self, "scale_replaces", scale_replaces)
        init_field(self, "local_files", local_files)
        init_field(self, "origin", origin)

    @property
    def builtin(self) -> bool:
        return self.origin == BUILTIN

    @property
    def fixable(self) -> bool:
        return bool(self.fix)

    @property
    def help_uri(self) -> str:
        return f"{DOCS_BASE_URI}{self.code}.md" if self.builtin else self.source.resolve().as_uri()

    def code_blocks(self, section: str) -> list[tuple[str, str]]:
        """(language, code) of the fenced blocks in one section."""
        return [(m.group(1), m.group(2)) for m in _FENCE_RE.finditer(self.sections.get(section, ""))]

    @property
    def text(self) -> str:
        """The document as a person reads it (no front matter)."""
        return self.body


def rules_dir() -> Path:
    package = Path(__file__).resolve().parents[1]  # twelvecheck/, above core/
    packaged = package / "_rules"
    if packaged.is_dir():
        return packaged
    checkout = package.parents[1] / "rules"
    if checkout.is_dir():
        return checkout
    raise RuleDocError(
        f"rule documents not found: neither {packaged} (installed wheel) nor {checkout} "
        "(source checkout) exists"
    )


class FrontMatterMemo:
    """Front matter already parsed, by its text: reading TOML is most of what loading the
    rule documents costs (3.6 ms of a 0.08 s run answered from its record, on Django). A run
    keeps it in its cache folder (run/cache.py); keyed by the text, it cannot go stale."""

    def __init__(self) -> None:
        self.known: dict[str, dict] = {}
        self.used: dict[str, dict] = {}  # what this process parsed or took, to be kept

    def adopt(self, known: object) -> None:
        if isinstance(known, dict):
            self.known.update((text, meta) for text, meta in known.items() if isinstance(meta, dict))

    def forget(self) -> None:
        self.known.clear()
        self.used.clear()

    def parse(self, text: str) -> dict:
        meta = self.known.get(text)
        if meta is None:
            meta = self.known[text] = _toml.loads(text)
        self.used[text] = meta
        return meta


FRONT_MATTER = FrontMatterMemo()


def parse_rule_doc(text: str, source: Path, origin: str = BUILTIN) -> RuleDoc:
    """A rule document; one not ``BUILTIN`` (a local rule's, a plugin's) has a code of its
    own prefix (``EXTENSION_CODE_RE``), any kebab-case family, and may be a module's docstring."""
    builtin = origin == BUILTIN
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        raise RuleDocError(f"{source}: no TOML front matter between '+++' lines")
    try:
        # A local rule's or a plugin's front matter is not kept in the cache folder's memo.
        meta = FRONT_MATTER.parse(match.group(1)) if builtin else _toml.loads(match.group(1))
    except _toml.TOMLDecodeError as exc:
        raise RuleDocError(f"{source}: front matter: {exc}") from None
    for key, kind in REQUIRED_KEYS.items():
        if not isinstance(meta.get(key), kind):
            raise RuleDocError(f"{source}: front matter key {key!r} must be a {kind.__name__}")
    for key, kind in OPTIONAL_KEYS.items():
        if key in meta and not isinstance(meta[key], kind):
            raise RuleDocError(f"{source}: front matter key {key!r} must be a {kind.__name__}")
    unknown = set(meta) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS)
    if unknown:
        raise RuleDocError(f"{source}: unknown front matter keys: {', '.join(sorted(unknown))}")
    if builtin and not CODE_RE.match(meta["code"]):
        raise RuleDocError(f"{source}: code {meta['code']!r} is not TWC followed by 3 digits")
    if not builtin and not EXTENSION_CODE_RE.match(meta["code"]):
        raise RuleDocError(f"{source}: code {meta['code']!r} is not a prefix of its own (2 to 6 capital letters, "
                           "not TWC) followed by 1 to 4 digits, such as ACME101")
    if builtin and meta["code"] != source.stem:
        raise RuleDocError(f"{source}: code {meta['code']!r} does not match the file name")
    if not SLUG_RE.match(meta["name"]):
        raise RuleDocError(f"{source}: name {meta['name']!r} is not a kebab-case slug")
    if meta["family"] not in FAMILIES if builtin else not SLUG_RE.match(meta["family"]):
        raise RuleDocError(f"{source}: unknown family {meta['family']!r}")
    fix = meta["fix"]
    if any(item not in APPLICABILITIES for item in fix) or len(set(fix)) != len(fix):
        raise RuleDocError(f"{source}: fix must list some of {', '.join(APPLICABILITIES)} once each, got {fix!r}")
    inputs = meta.get("inputs", ["python"])
    if not inputs or any(item not in INPUTS for item in inputs) or len(set(inputs)) != len(inputs):
        raise RuleDocError(f"{source}: inputs must list some of {', '.join(INPUTS)} once each, got {inputs!r}")
    if "scale_replaces" in meta and (meta["scale_replaces"] not in meta["message"] or "scale_hazard" not in meta):
        raise RuleDocError(f"{source}: scale_replaces must be a clause of the message, and needs a scale_hazard")
    body = match.group(2)
    sections = _split_sections(body)
    if bool(fix) != (FIX_SECTION in sections):
        raise RuleDocError(f"{source}: a rule with a fix has a '## {FIX_SECTION}' section, and only such a rule")
    return RuleDoc(
        code=meta["code"],
        name=meta["name"],
        family=meta["family"],
        severity=Severity.parse(meta["severity"]),
        summary=meta["summary"],
        message=meta["message"],
        fix=tuple(sorted(fix, key=APPLICABILITIES.index)),
        default_enabled=meta.get("default_enabled", True),
        body=body.strip() + "\n",
        sections=sections,
        source=source,
        inputs=tuple(inputs),
        scale_hazard=meta.get("scale_hazard"),
        scale_replaces=meta.get("scale_replaces"),
        local_files=meta.get("local_files", False),
        origin=origin,
    )


def _split_sections(body: str) -> dict[str, str]:
    headings = list(_HEADING_RE.finditer(body))
    sections = {}
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(body)
        sections[heading.group(1)] = body[heading.end():end].strip()
    return sections


# The built-in documents with those of the local rules and plugins in use (engine/extensions.py
# sets them), or None when there are none.
_with_extensions: dict[str, RuleDoc] | None = None


def load_rule_docs() -> dict[str, RuleDoc]:
    """All rule documents by code, sorted by code: the built-in rules', then those of the
    local rules and plugins in use."""
    return _with_extensions if _with_extensions is not None else builtin_rule_docs()


def use_extension_docs(docs: dict[str, RuleDoc]) -> None:
    """Use these documents of local rules and plugins besides the built-in ones (none: {})."""
    global _with_extensions
    _with_extensions = {**builtin_rule_docs(), **dict(sorted(docs.items()))} if docs else None


def extension_docs_in_use() -> bool:
    return _with_extensions is not None


@functools.lru_cache(maxsize=None)
def builtin_rule_docs() -> dict[str, RuleDoc]:
    """The built-in rules' documents by code, sorted by code."""
    docs = {}
    for path in sorted(rules_dir().glob("TWC*.md")):
        doc = parse_rule_doc(path.read_text(encoding="utf-8"), path)
        docs[doc.code] = doc
    return docs


def resolve_code(text: str) -> str | None:
    """A rule code or slug as written in a suppression or config -> the code."""
    docs = load_rule_docs()
    upper = text.upper()
    if upper in docs:
        return upper
    for doc in docs.values():
        if doc.name == text.lower():
            return doc.code
    return None

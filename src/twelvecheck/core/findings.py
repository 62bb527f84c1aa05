"""The data every part of twelvecheck exchanges: severities, spans, fixes, findings, per-file results.

A fix is plain data (it is cached with its finding and printed in the JSON report): edits
located by 1-based line and column like every span, end exclusive, plus whether it is safe.
Safe fixes keep what the program means apart from the finding itself; unsafe ones may
change behaviour a reader should look at first (``--unsafe-fixes`` applies them;
``fix/apply.py`` applies a set of them to a text).
"""

from __future__ import annotations

import enum
import re
from typing import Any, Callable

from twelvecheck.core.digest import sha256
from twelvecheck.core.values import Frozen, Mutable, init_field

_NEWLINE = re.compile(r"\r\n?|\n")  # as libcst counts lines (engine/positions.py)


class Severity(enum.IntEnum):
    """Ordered so that ``severity >= fail_on`` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, value: str) -> "Severity":
        try:
            return cls[value.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {value!r}; expected one of: error, warning, info"
            ) from None

    def __str__(self) -> str:
        return self.name.lower()


class Span(Frozen):
    """1-based lines and columns; ``end_column`` points one past the last character."""

    __slots__ = ("line", "column", "end_line", "end_column")
    line: int
    column: int
    end_line: int
    end_column: int

    def __init__(self, line: int, column: int, end_line: int, end_column: int) -> None:
        init_field(self, "line", line)
        init_field(self, "column", column)
        init_field(self, "end_line", end_line)
        init_field(self, "end_column", end_column)


SAFE, UNSAFE = "safe", "unsafe"


class Edit(Frozen):
    __slots__ = ("span", "content")
    span: Span  # what is replaced; an empty span inserts
    content: str

    def __init__(self, span: Span, content: str) -> None:
        init_field(self, "span", span)
        init_field(self, "content", content)

    def to_json(self) -> dict[str, Any]:
        return {"line": self.span.line, "column": self.span.column, "end_line": self.span.end_line,
                "end_column": self.span.end_column, "content": self.content}

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> "Edit":
        span = Span(int(item["line"]), int(item["column"]), int(item["end_line"]), int(item["end_column"]))
        if not isinstance(item["content"], str):
            raise TypeError("edit content is not a string")
        return cls(span, item["content"])


class Fix(Frozen):
    __slots__ = ("applicability", "message", "edits")
    applicability: str  # SAFE or UNSAFE
    message: str  # what the fix does, in a few words
    edits: tuple[Edit, ...]

    def __init__(self, applicability: str, message: str, edits: tuple[Edit, ...]) -> None:
        init_field(self, "applicability", applicability)
        init_field(self, "message", message)
        init_field(self, "edits", edits)

    @property
    def safe(self) -> bool:
        return self.applicability == SAFE

    def to_json(self) -> dict[str, Any]:
        return {"applicability": self.applicability, "message": self.message,
                "edits": [edit.to_json() for edit in self.edits]}

    @classmethod
    def from_json(cls, item: dict[str, Any] | None) -> "Fix | None":
        if item is None:
            return None
        if item["applicability"] not in (SAFE, UNSAFE) or not isinstance(item["message"], str):
            raise ValueError("not a fix")
        return cls(item["applicability"], item["message"], tuple(Edit.from_json(e) for e in item["edits"]))


class LineIndex:
    """Offsets of 1-based (line, column) points in a text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [match.end() for match in _NEWLINE.finditer(text)]

    def offset(self, line: int, column: int) -> int:
        if not 1 <= line <= len(self.starts):
            raise ValueError(f"line {line} is outside the file")
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        offset = start + column - 1
        if not start <= offset <= end:
            raise ValueError(f"column {column} is outside line {line}")
        return offset

    def range(self, span: Span) -> tuple[int, int]:
        start, end = self.offset(span.line, span.column), self.offset(span.end_line, span.end_column)
        if end < start:
            raise ValueError("an edit ends before it starts")
        return start, end


class Requires(Frozen):
    """A question about other modules that a per-file finding depends on.

    A per-file rule sees one module; when what it reports hangs on a class or a function
    of another module (``AppHandler`` imported from ``app.logs``), it reports the finding
    with this condition, and the run keeps the finding only if the whole program's facts
    answer yes (run/analysis.py, ``program.project.Project.makes_instance_of``):

    - ``instance_of``: calling ``name`` (a class, or a function) gives an instance of a
      class that derives, through the project's classes, from one of the classes of the
      rule's table ``known`` (``Rule.known_classes[known]``);
    - ``holds_instance_of``: the same of what the name ``name`` holds (a module-level
      object another module made: ``scheduler = BackgroundScheduler()`` in
      ``app/extensions.py``, started where it is imported);
    - ``given_process_id``: some call of the function ``name`` passes the running process's
      id for its parameter ``known`` (``"<index>:<name>"``, the index empty for a
      keyword-only parameter): ``Pidfile.create(self, pid)`` writes a PID file if a caller
      gives it ``os.getpid()``;
    - ``writes_process_id``: the function ``name`` of another module, given the process id
      at ``known`` (a position or a keyword), writes that parameter into a file: some
      finding of the run asks ``given_process_id`` about it (``Pidfile(path).create(os.getpid())``);
    - ``unless_set_elsewhere``: a tool's default (``name``: twistd writes ``twistd.pid``) that
      holds unless another finding of the run, asking ``instance_of`` with the same table
      ``known``, holds: a twistd plugin's options that set the pid file themselves, where that
      finding is reported instead. Without a project nothing overrides the default.

    Plain data (it is cached and crosses process boundaries): the table is named by its key,
    never held. A condition is never shown in a report.
    """

    __slots__ = ("kind", "name", "known")
    kind: str
    name: str  # a qualified name: "app.logs.AppHandler", "app.logs.make_handler"
    known: str  # a key of the reporting rule's known_classes

    def __init__(self, kind: str, name: str, known: str) -> None:
        init_field(self, "kind", kind)
        init_field(self, "name", name)
        init_field(self, "known", known)

    INSTANCE_OF = "instance_of"
    HOLDS_INSTANCE_OF = "holds_instance_of"

    @classmethod
    def instance_of(cls, name: str, known: str) -> "Requires":
        return cls(cls.INSTANCE_OF, name, known)

    GIVEN_PROCESS_ID = "given_process_id"
    WRITES_PROCESS_ID = "writes_process_id"
    UNLESS_SET_ELSEWHERE = "unless_set_elsewhere"
    KINDS = frozenset({INSTANCE_OF, HOLDS_INSTANCE_OF, GIVEN_PROCESS_ID, WRITES_PROCESS_ID, UNLESS_SET_ELSEWHERE})

    @classmethod
    def holds_instance_of(cls, name: str, known: str) -> "Requires":
        return cls(cls.HOLDS_INSTANCE_OF, name, known)

    @classmethod
    def given_process_id(cls, function: str, index: int | None, parameter: str) -> "Requires":
        return cls(cls.GIVEN_PROCESS_ID, function, f"{'' if index is None else index}:{parameter}")

    @classmethod
    def writes_process_id(cls, function: str, where: int | str) -> "Requires":
        return cls(cls.WRITES_PROCESS_ID, function, str(where))

    @classmethod
    def unless_set_elsewhere(cls, tool: str, known: str) -> "Requires":
        return cls(cls.UNLESS_SET_ELSEWHERE, tool, known)

    def argument(self) -> int | str:
        """A ``writes_process_id`` question's argument: a position or a keyword."""
        return int(self.known) if self.known.isdigit() else self.known

    def parameter(self) -> tuple[int | None, str]:
        """A ``given_process_id`` question's parameter: its index (None: keyword-only) and name."""
        index, _, name = self.known.partition(":")
        return (int(index) if index else None), name

    def to_json(self) -> list[str]:
        return [self.kind, self.name, self.known]

    @classmethod
    def from_json(cls, item: Any) -> "Requires | None":
        if item is None:
            return None
        kind, name, known = item
        if kind not in cls.KINDS or not isinstance(name, str) \
                or not isinstance(known, str):
            raise ValueError("not a condition")
        return cls(kind, name, known)


class RelatedLocation(Frozen):
    """Another place a finding is about (SARIF's ``relatedLocations``): the entry point of a
    whole-program finding reported at its loop, the loop of one reported at its entry point."""

    __slots__ = ("path", "span", "message")
    path: str  # display path, as a finding's
    span: Span
    message: str  # what is there: "entry point: process type 'worker' (Procfile)"

    def __init__(self, path: str, span: Span, message: str) -> None:
        init_field(self, "path", path)
        init_field(self, "span", span)
        init_field(self, "message", message)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.span.line, "column": self.span.column,
                "end_line": self.span.end_line, "end_column": self.span.end_column, "message": self.message}

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> "RelatedLocation":
        if not isinstance(item["path"], str) or not isinstance(item["message"], str):
            raise TypeError("not a related location")
        span = Span(int(item["line"]), int(item["column"]), int(item["end_line"]), int(item["end_column"]))
        return cls(item["path"], span, item["message"])


class Finding(Mutable):  # core/values.py: a dataclass cost a replay's start 0.5 ms
    _fields = ("code", "name", "family", "severity", "message", "path", "span", "help_uri", "anchor_text",
               "fingerprint", "fix", "requires", "related", "knowledge")
    code: str
    name: str
    family: str
    severity: Severity
    message: str
    path: str
    span: Span
    help_uri: str
    # The normalized source text the fingerprint hashes; not part of the report.
    anchor_text: str
    fingerprint: str
    # The edits that would remove the finding; None where the rule has none here.
    fix: Fix | None
    # The question about other modules the finding holds on (None: it holds); answered and
    # removed by the run before anything reports it, so never part of the report.
    requires: Requires | None
    # Other places the finding is about; in the JSON report only when there are some.
    related: tuple[RelatedLocation, ...]
    # The knowledge entry that made the finding (config/knowledge.entry_id:
    # "scheduler-classes:apscheduler.schedulers.background.BackgroundScheduler",
    # "user:ourlib.jobs.every"); in the JSON report only when there is one.
    knowledge: str | None

    def __init__(self, code: str, name: str, family: str, severity: Severity, message: str, path: str, span: Span,
                 help_uri: str, anchor_text: str = "", fingerprint: str = "", fix: Fix | None = None,
                 requires: Requires | None = None, related: tuple[RelatedLocation, ...] = (),
                 knowledge: str | None = None) -> None:
        self.code = code
        self.name = name
        self.family = family
        self.severity = severity
        self.message = message
        self.path = path
        self.span = span
        self.help_uri = help_uri
        self.anchor_text = anchor_text
        self.fingerprint = fingerprint
        self.fix = fix
        self.requires = requires
        self.related = related
        self.knowledge = knowledge

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.code, self.message)

    def to_json(self) -> dict[str, Any]:
        item = {
            "code": self.code,
            "name": self.name,
            "family": self.family,
            "severity": str(self.severity),
            "message": self.message,
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "help_uri": self.help_uri,
            "fingerprint": self.fingerprint,
            "fix": self.fix.to_json() if self.fix is not None else None,
        }
        if self.related:
            item["related_locations"] = [location.to_json() for location in self.related]
        if self.knowledge:
            item["knowledge"] = self.knowledge
        return item


def assign_fingerprints(findings: list[Finding]) -> None:
    """Give each finding a fingerprint that survives lines added above it.

    It hashes rule, path and the whitespace-normalized source of the finding, plus the
    occurrence index among findings that share those three (so two identical lines in
    one file still get distinct fingerprints).
    """
    for finding, fingerprint in fingerprints_at(findings, lambda finding: finding.path):
        finding.fingerprint = fingerprint


def fingerprints_at(findings: list[Finding], path_of: Callable[[Finding], str]) -> list[tuple[Finding, str]]:
    """Each finding with the fingerprint it has when its file is named ``path_of(finding)``
    (baselines name files from their own folder, whatever the working directory)."""
    seen: dict[tuple[str, str, str], int] = {}
    pairs = []
    for finding in sorted(findings, key=Finding.sort_key):
        key = (finding.code, path_of(finding), finding.anchor_text)
        index = seen.get(key, 0)
        seen[key] = index + 1
        digest = sha256(
            "\0".join((*key, str(index))).encode("utf-8", "surrogatepass")
        )
        pairs.append((finding, digest.hexdigest()[:32]))
    return pairs


class ToolError(Mutable):
    """A problem that is not a finding: a missing path, a crashed rule, unreadable config."""

    _fields = ("message", "path", "line", "column")
    message: str
    path: str | None
    line: int | None
    column: int | None

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 column: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def to_json(self) -> dict[str, Any]:
        return {"message": self.message, "path": self.path, "line": self.line, "column": self.column}

    def __str__(self) -> str:
        where = self.path or ""
        if self.path and self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        return f"{where}: {self.message}" if where else self.message


class FileResult(Mutable):
    _fields = ("path", "findings", "errors", "facts", "parsed", "digest", "silenced")
    path: str
    findings: list[Finding]
    errors: list[ToolError]
    # Project-level facts later rules reason over (module name, entry points, ...).
    facts: dict[str, Any]
    # The file gave its whole-program facts: asked for them, or parsed for its own rules.
    parsed: bool
    # The SHA-256 of the bytes analyzed (a Python file read from disk): the run caches the
    # result only under a key made from these same bytes (the file may change in between).
    digest: str | None
    # What a per-file rule would have reported where a knowledge entry says the code does it
    # right (``logs-to-stdout``), each with that entry as its ``knowledge``: never reported,
    # listed by --show-silenced (run/silenced.py). Cached with the findings.
    silenced: list[Finding]

    def __init__(self, path: str, findings: list[Finding] | None = None, errors: list[ToolError] | None = None,
                 facts: dict[str, Any] | None = None, parsed: bool = False, digest: str | None = None,
                 silenced: list[Finding] | None = None) -> None:
        self.path = path
        self.findings = [] if findings is None else findings
        self.errors = [] if errors is None else errors
        self.facts = {} if facts is None else facts
        self.parsed = parsed
        self.digest = digest
        self.silenced = [] if silenced is None else silenced

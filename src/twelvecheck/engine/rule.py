"""The rule API: one rule is one small class with its cases; one traversal runs all of them.

A rule sets ``code``; everything else about it (name, family, severity, message, whether it
is on by default, which inputs it reads) comes from its document, ``rules/<code>.md``. Four
bases, by what the rule judges:

- ``Rule``: a Python file, node by node. ``visit_<Node>``/``leave_<Node>`` methods are called
  by the engine's one traversal (``engine/visitor.py``); ``report(node)`` reports at a node
  while visiting it, ``report_at(node, statement)`` from later (``leave_Module``), naming
  the statement whose suppression comments apply. ``fix=`` attaches a ``PendingFix``
  (``engine/pyfix.py``). A rule whose ``kinds`` add a text kind (a logging configuration:
  ``ini``, ``yaml``, ``json``) also answers ``check_text``. A rule that needs the model of
  the module (what a name was assigned, which scope a use is in, what a call returns:
  ``program/values/module_model.py``) names its class in ``models``: the engine builds one
  per file, shared by every rule that names it, and the traversal feeds it before any rule
  sees a node; the rule gets it with ``ctx.model_of(ModuleModel)``. A rule that finds a
  model useless for a file leaves it out of ``models_to_feed`` (it is then not fed for
  that rule).
  A rule may also own small collectors of its own facts and list them in
  ``self.listeners``: any object with ``visit_<Node>``/``leave_<Node>`` methods, which the
  same traversal calls, a listener's visit before its rule's and its leave after. A rule's
  error switches its listeners off with it; a shared model's error switches off every rule
  that reads it. Neither is a base class.
- ``ProjectRule``: the whole program, once per run, from the facts its ``collectors``
  gathered from every file (``check_project``).
- ``DeployRule``: one Procfile or app.json as the deployment side read it
  (``deploy/documents.py``): ``check`` returns ``Problem`` s.
- ``FormationRule``: one app's process model, once every file is analyzed (``check_app``).

``VALID`` and ``INVALID`` hold the cases that must not and must fire; tests/test_rule_cases.py
turns every one into a test. ``docs/adding-a-rule.md`` walks through adding one of each.
"""

from __future__ import annotations

import functools
import re
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Iterable, Sequence, TypeVar

from twelvecheck.core.findings import Requires, Span
from twelvecheck.core.lazy import libcst as cst
from twelvecheck.engine.names import ImportTable

if TYPE_CHECKING:
    import ast

    from twelvecheck.core.findings import Fix
    from twelvecheck.engine.factscope import FileScope
    from twelvecheck.engine.pyfix import PendingFix

M = TypeVar("M")


@dataclass(frozen=True)
class Valid:
    """A case that must produce no finding of the rule.

    ``code`` is written to ``filename`` (default: ``app.py`` for a rule of Python files, else
    ``Procfile``); ``files`` are more (path, text) pairs of the same project, ``options``
    command-line options (``("--formation", "web=2")``), and findings are looked for in
    ``path`` (default: ``filename``). Python source is dedented; a Procfile is taken as written.
    ``elsewhere``: the findings of the rule the other files must have, as (path, lines) pairs
    (a finding at a call whose callee's module fires too); no other file may have any.
    """

    code: str | None = None
    filename: str | None = None
    files: tuple[tuple[str, str], ...] = ()
    options: tuple[str, ...] = ()
    path: str | None = None
    elsewhere: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def source(self) -> str:
        """``code`` as Python source: dedented, without the first line break."""
        return textwrap.dedent(self.code or "").lstrip("\n")

    @property
    def single_file(self) -> bool:
        """A case of one Python file and no options: checked in memory, without a project."""
        return not self.files and not self.options and self.path in (None, self.filename)


@dataclass(frozen=True)
class Invalid(Valid):
    """A case that must produce findings of the rule, on exactly ``lines`` (1-based) when given.

    ``fixed`` is the checked file once every fix is applied, unsafe ones too, pass after pass
    as ``--fix --unsafe-fixes`` does (Python dedented like ``code``); None: not compared."""

    lines: tuple[int, ...] = ()
    fixed: str | None = None

    def fixed_text(self, python: bool) -> str | None:
        if self.fixed is None:
            return None
        return textwrap.dedent(self.fixed).lstrip("\n") if python else self.fixed


@functools.lru_cache(maxsize=None)
def _word_pattern(words: tuple[str, ...]) -> "re.Pattern[str]":
    return re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b")


class Rule:
    code: ClassVar[str]
    # Literal tokens without which the rule cannot fire (the prefilter reads them): the rule
    # may fire where one of ``tokens`` occurs anywhere or one of ``word_tokens`` as a whole
    # word (``os.system`` but not ``filesystem``, ``signal`` but not Django's ``signals``).
    tokens: ClassVar[tuple[str, ...]] = ()
    word_tokens: ClassVar[tuple[str, ...]] = ()
    # And, if set, one of these as well (every way the rule fires needs both kinds of word).
    also_tokens: ClassVar[tuple[str, ...]] = ()
    # The kinds of file the rule judges (files/kinds.py): Python source by default.
    kinds: ClassVar[tuple[str, ...]] = ("python",)
    VALID: ClassVar[list[Valid]] = []
    INVALID: ClassVar[list[Invalid]] = []
    # The shared per-file models this rule reads (classes taking the FileContext), and the
    # rule's own collectors the traversal feeds for it (see the module docstring).
    models: ClassVar[tuple[type, ...]] = ()
    listeners: Sequence[object] = ()
    # The rule asks the whole program what a module's functions are handed (TWC101: the
    # process id): the run reads such a module with the rule even where its tokens are
    # missing (run/analysis.py), so that the prefilter changes no finding.
    reads_handed_modules: ClassVar[bool] = False
    # Sets of qualified class names a conditional finding's question names by key
    # (``report(..., requires=Requires.instance_of(name, key))``): the run answers it from
    # the project's classes (run/analysis.py), after every file is analyzed.
    known_classes: ClassVar[dict[str, frozenset[str]]] = {}
    # A key of [tool.twelvecheck.knowledge] naming functions the rule reports nothing inside
    # ("logs-to-stdout" for the logging rules; engine/knowledge_scope.py).
    silenced_inside: ClassVar[str] = ""
    # The whole-program facts such a question is answered from (``FactCollector`` s); a
    # project rule's are those it is judged from.
    collectors: ClassVar[tuple[type["FactCollector"], ...]] = ()

    def __init__(self, ctx: "FileContext") -> None:
        self.ctx = ctx

    @classmethod
    def mentioned_in(cls, text: str) -> bool:
        """Whether the text holds one of the rule's tokens (a rule without any may fire anywhere)."""
        if cls.also_tokens and not any(token in text for token in cls.also_tokens):
            return False
        if not cls.tokens and not cls.word_tokens:
            return True
        if any(token in text for token in cls.tokens):
            return True
        # A substring test first: it is a fast scan, the word-boundary pattern is not.
        return any(word in text for word in cls.word_tokens) and \
            _word_pattern(cls.word_tokens).search(text) is not None

    @classmethod
    def models_to_feed(cls, text: str) -> tuple[type, ...]:
        """Which of its ``models`` this rule needs fed by the traversal of a file with this text."""
        return cls.models

    @classmethod
    def check_text(cls, text: str, kind: str) -> Iterable["Problem"]:
        """The problems in a file of a text kind among ``kinds`` (a logging configuration)."""
        return ()

    @classmethod
    def reads_text(cls, text: str, kind: str) -> bool:
        """Whether a file of a text kind among ``kinds`` is one this rule reads (a logging
        configuration, not any YAML or JSON file): a file that no rule reads is not counted
        as checked, nor listed by the reports (a JUnit test case per rule and file)."""
        return True

    def report(self, node: cst.CSTNode, *, fix: "PendingFix | None" = None, requires: Requires | None = None,
               **fields: Any) -> None:
        """Report at ``node``; suppressions look at the statement being visited. ``fix`` is
        the change that removes the finding (``engine/pyfix.py`` builds one from nodes).
        ``requires``: the finding holds only if the whole program answers this question
        about other modules yes (``Requires``; its table is one of ``known_classes``)."""
        self.ctx.add_candidate(self.code, node, fields, fix, requires)

    def report_at(self, node: cst.CSTNode, statement: cst.CSTNode | None, *, fix: "PendingFix | None" = None,
                  requires: Requires | None = None, **fields: Any) -> None:
        """Report at ``node`` from after the walk (e.g. in ``leave_Module``), naming the
        statement it belongs to so that suppression comments above it apply."""
        self.ctx.candidates.append(Candidate(self.code, node, fields, statement, fix=fix, requires=requires))


@dataclass
class Problem:
    """What a rule reports in a file that is not Python source (a Procfile, app.json, a
    logging configuration): where, and the fields its message template names."""

    span: Span
    fields: dict[str, Any] = field(default_factory=dict)
    fix: "Fix | None" = None
    # The line whose suppression comments cover the problem (its "statement"); default: its own.
    statement_line: int | None = None

    @classmethod
    def at(cls, line: int, column: int, end_column: int, fields: dict[str, Any] | None = None, *,
           end_line: int | None = None, fix: "Fix | None" = None) -> "Problem":
        """A problem on one line from ``column`` to ``end_column`` (at least one character),
        or from there to ``end_line``."""
        return cls(Span(line, column, end_line or line, max(end_column, column + 1)), fields or {}, fix)


@dataclass
class Candidate:
    """A finding before positions and suppressions are applied."""

    code: str
    node: cst.CSTNode
    fields: dict[str, Any]
    statement: cst.CSTNode | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    fix: "PendingFix | None" = None
    requires: Requires | None = None  # a question about other modules (Rule.report)


class FileContext:
    """What rules see of the file being analyzed."""

    def __init__(self, module: cst.Module, text: str, module_name: str, is_package: bool, tree: "ast.Module",
                 code: str | None = None) -> None:
        self.module = module
        self.tree = tree  # CPython's tree of the same text (pyfix places imports with it)
        self.text = text
        # The text without comments and docstrings (engine/code_text.py): where a rule asks
        # whether the module mentions a word, as the prefilter does.
        self.code = text if code is None else code
        self.module_name = module_name
        self.imports = ImportTable(module_name, is_package)
        self.candidates: list[Candidate] = []
        self.statements: list[cst.CSTNode] = []
        self.functions: list[cst.FunctionDef] = []
        self.classes: list[cst.ClassDef] = []
        # The shared models the traversal feeds (Rule.models), by class.
        self.models: dict[type, Any] = {}
        self._qualified: dict[tuple[int, int], tuple[cst.BaseExpression, str | None]] = {}

    def qualify(self, node: cst.BaseExpression) -> str | None:
        """The qualified name ``node`` refers to in the scope being walked. Several rules ask
        about each call in the same scope: it is worked out once per scope."""
        key = (id(node), self.imports.scope_key())
        known = self._qualified.get(key)
        if known is not None and known[0] is node:
            return known[1]
        qualified = self.imports.qualify(node)
        self._qualified[key] = (node, qualified)  # the node is kept: its id stays its own
        return qualified

    def model_of(self, model_class: type[M]) -> M:
        """The file's shared model of this class: the one the traversal feeds, or, where no
        rule needs it fed, a new one that answers only what it reads from the tree itself."""
        if model_class not in self.models:
            self.models[model_class] = model_class(self)
        return self.models[model_class]

    def add_candidate(self, code: str, node: cst.CSTNode, fields: dict[str, Any],
                      fix: "PendingFix | None" = None, requires: Requires | None = None) -> None:
        statement = self.statements[-1] if self.statements else None
        self.candidates.append(Candidate(code, node, fields, statement, fix=fix, requires=requires))


class FactCollector:
    """Gathers one file's facts for project rules from CPython's ``ast`` tree.

    The engine has that tree for every file (it vets each with ``ast.parse`` before libcst),
    so a file that only has to give facts costs no libcst parse. ``collect`` returns plain
    data (spans as ``[line, column, end_line, end_column]``), stored in the file's facts
    under ``key``: what a project pass (and the cache) sees.
    """

    key: ClassVar[str]
    # Facts are needed from every file a call chain may pass through: no prefilter tokens.

    @classmethod
    def collect(cls, scope: "FileScope") -> Any:
        raise NotImplementedError


@dataclass
class ProjectFinding:
    """A finding of a project rule: located by path and span, before suppressions."""

    code: str
    path: str  # display path, as in FileResult.path
    span: tuple[int, int, int, int]
    fields: dict[str, Any]
    fix: "Fix | None" = None
    # Other places it is about: (display path, span, what is there), as RelatedLocation.
    related: tuple[tuple[str, tuple[int, int, int, int], str], ...] = ()


class ProjectRule(Rule):
    """A rule judged over the whole program from the facts its collectors gathered.

    It fires nothing during the traversal; ``check_project`` runs once per run.
    """

    collectors: ClassVar[tuple[type[FactCollector], ...]] = ()

    @classmethod
    def check_project(cls, project: Any) -> list[ProjectFinding]:
        raise NotImplementedError


class DeployRule(Rule):
    """A rule over one deployment file: a Procfile (``kinds = ("procfile",)``), an app.json
    (``("appjson",)``) or a Dockerfile (``("dockerfile",)``). ``check`` gets it as
    ``deploy/documents.py`` (``deploy/container.py`` for a Dockerfile) read it and returns the
    problems in it; the file's ``#`` comments can suppress them."""

    kinds: ClassVar[tuple[str, ...]] = ("procfile",)

    @classmethod
    def check(cls, document: Any) -> Iterable[Problem]:
        raise NotImplementedError


class FormationRule(Rule):
    """A rule over one app's process model (``deploy/process_model.py``: its Procfile, its
    formation from app.json and the configuration, what each process type runs), judged
    once every file is analyzed. ``check_app`` yields (the path the problem is in, the
    problem, the process types it is about)."""

    kinds: ClassVar[tuple[str, ...]] = ("procfile", "appjson")
    # Whether the rule also judges the processes deployment descriptors declare (Compose,
    # Kubernetes...): it then sees apps that have no Procfile.
    judges_descriptors: ClassVar[bool] = False

    @classmethod
    def check_app(cls, app: Any) -> Iterable[tuple[str, Problem, tuple[str, ...]]]:
        raise NotImplementedError

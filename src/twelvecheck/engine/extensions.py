"""Local rules and plugins: rules a project or an installed distribution adds to the built-in
ones, through the same public API (engine/rule.py) and the same document front matter
(core/ruledocs.py).

- Local rules: ``[tool.twelvecheck] local-rules = ["tools/lint_rules"]``, paths relative
  to the configuration file, each a folder (its modules whose names do not start with
  ``_``) or one module. A module is run from its source (no bytecode is written beside
  it) with its folder on ``sys.path``, so it may import the helpers beside it.
- Plugins: the entry points of the group ``twelvecheck.rules`` (core/plugins.py), each a
  module (its rules) or one rule class.

Loading the user's *rule* code is what the configuration asks for; the checked code is
still never imported. Each rule has a document: ``CODE.md`` beside its module, else
``<module>.md``, else the module's docstring, with the front matter of ``rules/TWCnnn.md``.
Its code has a prefix of its own (``ACME101``; never ``TWC``) and names no other rule.

A module that does not import, a rule without a valid document, a code of the wrong shape
or taken: each is an error naming the file (exit 2); the rule is left out and the run goes
on. A rule that raises while checking is reported by the run the same way
(``registry.rule_failure``).
"""

from __future__ import annotations

import hashlib
import os
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable, Iterator

from twelvecheck.core.findings import ToolError
from twelvecheck.core.plugins import ENTRY_POINT_GROUP, plugins_installed
from twelvecheck.core.ruledocs import (
    BUILTIN, EXTENSION_CODE_RE, RuleDoc, RuleDocError, builtin_rule_docs, extension_docs_in_use, parse_rule_doc,
    use_extension_docs,
)
from twelvecheck.engine.registry import builtin_rules, rules_in, use_extension_rules
from twelvecheck.engine.rule import FormationRule, Rule

_MODULE_PREFIX = "twelvecheck_local_rules"


@dataclass
class Extensions:
    """The local rules and plugins of a run: the rules that loaded, their documents, what
    went wrong, and a fingerprint of their sources for the cache keys ("" when none)."""

    rules: dict[str, type[Rule]] = field(default_factory=dict)
    docs: dict[str, RuleDoc] = field(default_factory=dict)
    errors: list[ToolError] = field(default_factory=list)
    fingerprint: str = ""


@dataclass
class _Source:
    """One place rules come from: a local module file, or a plugin's entry point."""

    origin: str  # "local tools/lint_rules/worker_base.py", "plugin acme-rules 1.2.0"
    path: Path | None = None  # the local module
    shown: str | None = None  # and its path as the errors show it (relative to the configuration's folder)
    entry_point: Any = None  # importlib.metadata.EntryPoint

    def error(self, message: str, line: int | None = None) -> ToolError:
        """An error about this module or plugin: at the local module's path, else naming the plugin."""
        if self.shown is not None:
            return ToolError(f"local rule module: {message}", self.shown, line)
        return ToolError(f"{self.origin} ({self.entry_point.value}): {message}")


# What was loaded last, by fingerprint: a run loads its local rules once, and a second run
# in the same process (the tests, the fixer's re-analysis) with the same sources reuses them.
_last: tuple[str, Extensions] | None = None
# What use_extensions was given for the extensions in use, or None with none in use.
_in_use: tuple[tuple[str, ...], str] | None = None
# Formation rules run in the run's own process: what one of ours raised there, for the run.
_formation_failures: list[ToolError] = []


def use_extensions(local_rules: Iterable[str | Path], root: Path) -> Extensions:
    """Load the local rules (paths relative to ``root``) and installed plugins and put them in
    use beside the built-in rules; with neither, put none in use at no cost."""
    global _last, _in_use
    paths = tuple(Path(root, path) for path in local_rules)
    if not paths and not plugins_installed():
        if extension_docs_in_use():
            _activate(Extensions())
        _in_use = None
        return Extensions()
    sources, fingerprint, errors = _sources(paths, root)
    if _last is None or _last[0] != fingerprint:
        extensions = _load(sources, errors)
        extensions.fingerprint = fingerprint
        _last = (fingerprint, extensions)
    _activate(_last[1])
    _in_use = (tuple(str(path) for path in paths), str(root)) if _last[1].docs else None
    return _last[1]


def extensions_in_use() -> tuple[tuple[str, ...], str] | None:
    """What a worker process needs to put the same local rules and plugins in use (use_again)."""
    return _in_use if extension_docs_in_use() else None


def use_again(in_use: tuple[tuple[str, ...], str] | None) -> None:
    """In a worker process: the run's local rules and plugins, unless it forked with them."""
    if in_use is not None and not extension_docs_in_use():
        use_extensions(in_use[0], Path(in_use[1]))


def fingerprint_in_use() -> str:
    """The fingerprint of the local rules and plugins in use ("" with none)."""
    return _last[0] if _last is not None and extension_docs_in_use() else ""


def formation_failures() -> list[ToolError]:
    """The errors local formation rules raised since the last call (run/analysis.py)."""
    failures = list(_formation_failures)
    _formation_failures.clear()
    return failures


def _activate(extensions: Extensions) -> None:
    use_extension_docs(extensions.docs)
    use_extension_rules(extensions.rules)


def _sources(paths: tuple[Path, ...], root: Path) -> tuple[list[_Source], str, list[ToolError]]:
    """Every module and entry point to load, and the fingerprint of their sources: each local
    file's bytes (helpers and documents too), each plugin's distribution and version."""
    hashed = hashlib.sha256(b"extensions\0")
    sources, errors = [], []
    for path in paths:
        shown = _shown(path, root)
        if path.is_dir():
            names = sorted(entry.name for entry in os.scandir(path) if entry.is_file())
            modules = [path / name for name in names if name.endswith(".py") and not name.startswith("_")]
            read = [path / name for name in names if name.endswith((".py", ".md"))]
        elif path.is_file() and path.suffix == ".py":
            modules = [path]
            read = [path, *(p for p in sorted(path.parent.glob("*.md")))]
        else:
            errors.append(ToolError(f"local-rules: {shown} is neither a folder nor a Python module"))
            continue
        for file in read:
            try:
                digest = hashlib.sha256(file.read_bytes()).digest()
                hashed.update(f"\0{file}\0".encode("utf-8", "surrogatepass") + digest)
            except OSError as exc:
                errors.append(ToolError(f"local rule: cannot read {_shown(file, root)}: {exc.strerror or exc}",
                                        _shown(file, root)))
        sources += [_Source(f"local {_shown(module, root)}", path=module, shown=_shown(module, root))
                    for module in modules]
    if plugins_installed():
        from importlib.metadata import entry_points  # only where some distribution offers rules

        for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: (ep.name, ep.value)):
            dist = getattr(entry_point, "dist", None)
            name, version = (dist.metadata["Name"], dist.version) if dist is not None else (entry_point.name, "?")
            hashed.update(f"\0plugin\0{name}\0{version}\0{entry_point.name}\0{entry_point.value}".encode())
            sources.append(_Source(f"plugin {name} {version}", entry_point=entry_point))
    return sources, hashed.hexdigest(), errors


def _shown(path: Path, root: Path) -> str:
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:
        return path.as_posix()


def _load(sources: list[_Source], errors: list[ToolError]) -> Extensions:
    extensions = Extensions(errors=list(errors))
    taken = {code: BUILTIN for code in builtin_rules()}
    names = {doc.name: code for code, doc in builtin_rule_docs().items()}
    for source in sources:
        try:
            module, rules = _import(source)
        except _LoadError as problem:
            extensions.errors.append(problem.error)
            continue
        for rule in rules:
            try:
                doc = _document(rule, module, source)
            except RuleDocError as exc:
                extensions.errors.append(source.error(f"rule {rule.__name__} ({rule.code}): {exc}"))
                continue
            if rule.code in taken or doc.name in names:
                other = taken.get(rule.code) or f"{names[doc.name]}, named {doc.name!r}"
                extensions.errors.append(source.error(
                    f"rule {rule.__name__} ({rule.code}) is left out: "
                    f"{'its code' if rule.code in taken else 'its name'} is taken ({other})"))
                continue
            taken[rule.code], names[doc.name] = source.origin, rule.code
            extensions.rules[rule.code] = _guarded(rule)
            extensions.docs[rule.code] = doc
    return extensions


class _LoadError(Exception):
    def __init__(self, error: ToolError) -> None:
        self.error = error


def _import(source: _Source) -> tuple[ModuleType | None, list[type[Rule]]]:
    """The module and the rules of one source; _LoadError when it does not import."""
    if source.entry_point is not None:
        try:
            loaded = source.entry_point.load()
        except Exception as exc:  # the plugin's own code: any error it raises is its own
            raise _LoadError(source.error(f"failed to import: {_describe(exc)}")) from None
        if isinstance(loaded, ModuleType):
            return loaded, _codes_checked(rules_in(loaded), source)
        if isinstance(loaded, type) and issubclass(loaded, Rule) and "code" in vars(loaded):
            return sys.modules.get(loaded.__module__), _codes_checked([loaded], source)
        raise _LoadError(source.error("neither a module of rules nor a rule class (a subclass of "
                                      "twelvecheck.engine.rule.Rule with a code)"))
    assert source.path is not None
    path = source.path
    name = f"{_MODULE_PREFIX}.{hashlib.sha256(str(path).encode()).hexdigest()[:12]}_{path.stem}"
    module = ModuleType(name)
    module.__file__ = str(path)
    try:
        code = compile(path.read_bytes(), str(path), "exec")
    except (OSError, SyntaxError, ValueError) as exc:
        raise _LoadError(source.error(f"failed to import: {_describe(exc)}", getattr(exc, "lineno", None))) from None
    sys.modules[name] = module
    folder = str(path.parent)
    sys.path.insert(0, folder)  # its helpers beside it import by their names
    try:
        exec(code, module.__dict__)
    except Exception as exc:  # the rule module's own code
        del sys.modules[name]
        line = next((frame.lineno for frame in reversed(traceback.extract_tb(exc.__traceback__))
                     if frame.filename == str(path)), None)
        raise _LoadError(source.error(f"failed to import: {_describe(exc)}", line)) from None
    finally:
        if folder in sys.path:
            sys.path.remove(folder)
    rules = _codes_checked(rules_in(module), source)
    if not rules:
        raise _LoadError(source.error("defines no rule (a subclass of Rule, ProjectRule, DeployRule or "
                                      "FormationRule with a code)"))
    return module, rules


def _codes_checked(rules: list[type[Rule]], source: _Source) -> list[type[Rule]]:
    for rule in rules:
        if not isinstance(rule.code, str) or not EXTENSION_CODE_RE.match(rule.code):
            raise _LoadError(source.error(
                f"rule {rule.__name__}: code {rule.code!r} is not a prefix of its own "
                "(2 to 6 capital letters, not TWC) followed by 1 to 4 digits, such as ACME101"))
    return rules


def _document(rule: type[Rule], module: ModuleType | None, source: _Source) -> RuleDoc:
    """The rule's document: CODE.md beside its module, <module>.md, or the module's docstring."""
    file = getattr(module, "__file__", None)
    if file:
        beside = Path(file).parent
        for candidate in (beside / f"{rule.code}.md", Path(file).with_suffix(".md")):
            if candidate.is_file():
                doc = parse_rule_doc(candidate.read_text(encoding="utf-8"), candidate, source.origin)
                return _same_code(doc, rule)
    docstring = (module.__doc__ or "") if module is not None else ""
    if not docstring.lstrip().startswith("+++"):
        raise RuleDocError(f"no document: give {rule.code} front matter between '+++' lines in its module's "
                           f"docstring, or a {rule.code}.md beside the module "
                           "(docs/adding-a-rule.md, 'Local rules and plugins')")
    doc = parse_rule_doc(docstring.strip() + "\n", Path(file or rule.__module__), source.origin)
    return _same_code(doc, rule)


def _same_code(doc: RuleDoc, rule: type[Rule]) -> RuleDoc:
    if doc.code != rule.code:
        raise RuleDocError(f"{doc.source}: the document is of {doc.code}, the rule's code is {rule.code}")
    return doc


def _guarded(rule: type[Rule]) -> type[Rule]:
    """A formation rule's ``check_app`` runs in the run's own process: what it raises becomes
    an error of the run, not the end of it (file and project rules are guarded where they run)."""
    if not issubclass(rule, FormationRule) or getattr(rule.check_app, "_guarded", False):
        return rule
    check_app = rule.check_app

    def guarded(cls: type[Rule], app: Any) -> Iterator[Any]:
        try:
            yield from list(check_app(app))
        except Exception as exc:  # the rule's own code
            _formation_failures.append(ToolError(f"rule {cls.code} raised {_describe(exc)}"))

    guarded._guarded = True  # type: ignore[attr-defined]
    rule.check_app = classmethod(guarded)  # type: ignore[method-assign,assignment]
    return rule


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"

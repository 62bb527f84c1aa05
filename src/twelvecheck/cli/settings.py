"""The configuration file and the command line's options, merged into a run's settings.

``twelvecheck check`` and ``twelvecheck formation`` share this, so both run the same way on
the same path.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from twelvecheck.config.formation import FormationOverride, config_source
from twelvecheck.config.loading import ConfigError, FileConfig, find_config, load_config, pattern_problem
from twelvecheck.cli.exits import print_error
from twelvecheck.config.selection import SelectorError, expand
from twelvecheck.files.ignoring import repository_root
from twelvecheck.run.cache import CACHE_DIR_NAME, load_rule_docs_remembered
from twelvecheck.run.model import Settings
from twelvecheck.run.runner import use_rules


def split_values(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _load_file_config(paths: list[str], options: dict[str, Any], cwd: Path) -> FileConfig:
    """The configuration file, with its local rules (and the installed plugins) in use. When
    it has a mistake, the rules that did not load are said first: a selector may name one."""
    not_loaded: list = []

    def rules(local_rules: list[str], folder: Path) -> None:
        not_loaded[:] = use_rules(local_rules, folder)[1]

    try:
        return _file_config(paths, options, cwd, rules)
    except (ConfigError, SelectorError):
        for error in not_loaded:
            print_error(str(error))
        raise


def _file_config(paths: list[str], options: dict[str, Any], cwd: Path, rules) -> FileConfig:
    if options.get("isolated"):
        rules([], cwd)
        return FileConfig()
    if options.get("config_file"):
        path = Path(options["config_file"])
        if not path.is_file():
            raise ConfigError("configuration file does not exist", path)
        return load_config(path, rules)
    found = find_config(_search_start(paths, options, cwd))
    if found:
        return load_config(found, rules)
    rules([], cwd)
    return FileConfig()


def _search_start(paths: list[str], options: dict[str, Any], cwd: Path) -> Path:
    """Where the configuration (and, without one, the project root) is looked for: the first
    path, the --stdin-filename for standard input."""
    start = paths[0] if paths and paths[0] != "-" else (options.get("stdin_filename") or ".")
    start_path = Path(start) if Path(start).is_absolute() else cwd / start
    # A --stdin-filename (or a missing path) need not exist: search from its nearest folder.
    while not start_path.exists() and start_path.parent != start_path:
        start_path = start_path.parent
    return start_path


def _folder_prefix(cwd: Path, root: Path) -> str:
    """cwd relative to the config folder, as a pattern prefix ("svc/"); "" if not below it."""
    try:
        relative = cwd.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""
    return "" if relative == "." else relative + "/"


def _rebase(pattern: str, prefix: str) -> str:
    """A command-line gitignore pattern (relative to cwd) made relative to the config folder.

    Patterns without an inner '/' match at any depth and stay as they are; anchored ones
    (``legacy/*.py``, ``/build``) get the cwd's path below the config folder in front.
    """
    negated = pattern.startswith("!")
    body = pattern[1:] if negated else pattern
    if not prefix or "/" not in body.rstrip("/"):
        return pattern
    return ("!" if negated else "") + prefix + body.lstrip("/")


def _cache_dir(options: dict[str, Any], file_values: dict[str, Any], cwd: Path, root: Path,
               project: Path) -> Path | None:
    """--cache-dir (relative to cwd), else cache-dir (relative to the config file), else
    .twelvecheck_cache in the project's folder (``project``); None with --no-cache or cache = false."""
    if options.get("no_cache") or file_values.get("cache") is False:
        return None
    if options.get("cache_dir"):
        return cwd / options["cache_dir"]
    if "cache-dir" in file_values:
        return root / file_values["cache-dir"]
    return project / CACHE_DIR_NAME


def _project_folder(config: FileConfig, paths: list[str], options: dict[str, Any], cwd: Path) -> Path:
    """Where the cache is kept: beside the configuration file, else at the root of the
    repository holding the checked paths, else in the working directory. One cache per
    project, whether it is checked from its root, a subfolder or its parent."""
    if config.root is not None:
        return config.root
    start = _search_start(paths, options, cwd)
    try:
        start = (start if start.is_dir() else start.parent).resolve()
    except OSError:
        return cwd
    root = repository_root(start)
    return root if (root / ".git").exists() else cwd


def pick_option(options: dict[str, Any], file_values: dict[str, Any], option: str, key: str, default: Any) -> Any:
    """The command-line value when one was given, else the configuration's, else the default."""
    value = options.get(option)
    if value is not None and value != () and value is not False:
        return value
    return file_values.get(key, default)


def prepare(paths: list[str], options: dict[str, Any], cwd: Path) -> tuple[Settings, FileConfig]:
    """Settings from the configuration file and the options ``check`` and ``formation`` share
    (a command without an option reads it from the file alone)."""
    config = _load_file_config(paths, options, cwd)
    file_values = config.values
    for option in ("exclude", "extend_exclude"):
        for pattern in split_values(options.get(option, ())):
            problem = pattern_problem(pattern)
            if problem:
                raise click.UsageError(f"--{option.replace('_', '-')}: {pattern!r} is no gitignore-style "
                                       f"pattern ({problem})")

    settings = Settings(cwd=cwd, root=config.root or cwd)
    settings.paths = paths or ["."]
    # Patterns in the file are relative to its folder, patterns on the command line to cwd.
    prefix = _folder_prefix(cwd, settings.root)
    settings.select = split_values(options.get("select", ())) or file_values.get("select")
    settings.extend_select = [*file_values.get("extend-select", []), *split_values(options.get("extend_select", ()))]
    settings.ignore = [*file_values.get("ignore", []), *split_values(options.get("ignore", ()))]
    if options.get("exclude"):
        settings.exclude = [_rebase(p, prefix) for p in split_values(options["exclude"])]
    elif "exclude" in file_values:
        settings.exclude = list(file_values["exclude"])
    settings.extend_exclude = [*file_values.get("extend-exclude", []),
                               *(_rebase(p, prefix) for p in split_values(options.get("extend_exclude", ())))]
    settings.force_exclude = bool(pick_option(options, file_values, "force_exclude", "force-exclude", False))
    settings.respect_gitignore = False if options.get("no_respect_gitignore") else \
        file_values.get("respect-gitignore", True)
    settings.per_file_ignores = file_values.get("per-file-ignores", {})
    settings.severity = file_values.get("severity", {})
    settings.local_files = file_values.get("local-files", settings.local_files)
    settings.local_rules = list(file_values.get("local-rules", []))
    settings.knowledge = file_values.get("knowledge", {})
    settings.jobs = pick_option(options, file_values, "jobs", "jobs", 0)
    settings.cache_dir = _cache_dir(options, file_values, cwd, settings.root,
                                    _project_folder(config, paths, options, cwd))
    # The rule documents, with the front matter the cache folder keeps parsed, before the
    # selectors name them (a configuration's own selectors were checked as it was read).
    load_rule_docs_remembered(settings.cache_dir)
    for option in ("select", "extend_select", "ignore"):
        for selector in split_values(options.get(option, ())):
            try:
                expand(selector)  # an unknown selector is a usage error (exit 2)
            except SelectorError:
                for error in use_rules(file_values.get("local-rules", []), config.root or cwd)[1]:
                    print_error(str(error))  # it may name a rule that did not load: say why first
                raise
    settings.prefilter = not options.get("no_prefilter")
    settings.include_roles = [role for role, option in (("test", "tests"), ("vendored", "vendored"))
                              if pick_option(options, file_values, f"include_{option}", f"include-{option}", False)]
    settings.reachable_only = bool(pick_option(options, file_values, "reachable_only", "reachable-only", False))
    settings.show_silenced = bool(pick_option(options, file_values, "show_silenced", "show-silenced", False))
    settings.role_paths = {role: list(file_values[key]) for role, key in (
        ("test", "test-paths"), ("vendored", "vendored-paths"), ("example", "example-paths")) if file_values.get(key)}
    settings.formations = _formations(config, options.get("formation") or {}, settings.paths, cwd)
    return settings, config


def _formations(config: FileConfig, option: dict[str, int], paths: list[str], cwd: Path) -> list:
    """The configuration's formation (for the app at its folder), then --formation (for the
    app of the checked paths): later ones win per process type (formation.FormationOverride)."""
    if not config.values.get("formation") and not option:
        return []
    layers = []
    if config.values.get("formation") and config.path is not None:
        layers.append(FormationOverride(dict(config.values["formation"]), config_source(config.path),
                                        [config.path.parent]))
    if option:
        layers.append(FormationOverride(option, "--formation", [cwd / path for path in paths], required=True))
    return layers


def use_color(option: bool | None, file_values: dict[str, Any], output: str | None) -> bool:
    """--color/--no-color, else the file's ``color``, else on for a terminal unless NO_COLOR."""
    color = option if option is not None else file_values.get("color")
    if color is None:
        color = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    return bool(color)




def rules_of_project(cwd: Path, options: dict[str, Any] | None = None) -> tuple[list[str], Path, list]:
    """For ``rules``, ``explain`` and ``test-rules``: the configuration found from ``cwd`` (or
    --config / --isolated), with its local rules and the installed plugins put in use; its
    local-rules paths, the folder they are relative to, and what went wrong loading them."""
    config = _load_file_config([], options or {}, cwd)
    local_rules = list(config.values.get("local-rules", []))
    root = config.root or cwd
    return local_rules, root, use_rules(local_rules, root)[1]

"""The Procfile and app.json a run reads besides the checked paths: those in the checked
folders' parents, up to the repository root, which hold the deployment a checked file
belongs to when the walk did not reach them."""

from __future__ import annotations

import os
from pathlib import Path

from twelvecheck.files.discovery import SourceFile, display_path
from twelvecheck.files.ignoring import inside, repository_folders, repository_root
from twelvecheck.files.kinds import process_file_kind


def deployment_facts(settings, facts: dict[str, dict]) -> dict[str, dict]:
    """Facts of the Procfile and app.json above the checked paths that were not checked."""
    if getattr(settings, "stdin_source", None) is not None:
        return {}
    # Deferred: the analysis (and the engine behind it) loads only for a run that needs it.
    from twelvecheck.engine.task import FileTask
    from twelvecheck.run.worker import analyze_file

    cwd = settings.cwd
    roots = [p if (p := Path(path)).is_absolute() else cwd / p for path in settings.paths]
    # Only a Procfile or app.json that was checked can be one found above: resolve those alone.
    known = {(cwd / path).resolve() for path, fact in facts.items() if "procfile" in fact or "appjson" in fact}
    found = {}
    for path in find_deployment_files([r for r in roots if r.exists()], known):
        shown = shown_path(path, cwd)
        task = FileTask(str(path), shown, frozenset(), kind=process_file_kind(path))
        result = analyze_file(task)
        if result.facts:
            found[shown] = result.facts
            show_targets_as_checked(result.facts, cwd)
    return found


def show_targets_as_checked(facts: dict, cwd: Path) -> None:
    """The files a Procfile above the working directory names (``../shop/web.py``, from its
    display path) shown as the checked files are (``web.py``)."""
    for entry in facts.get("procfile", {}).get("entries", []):
        for target in entry["targets"]:
            if target.get("path"):
                target["path"] = display_path(Path(target["path"]), cwd)


def find_deployment_files(roots: list[Path], known: set[Path]) -> list[Path]:
    """Procfile and app.json in the checked folders' parents, up to the repository root: the
    deployment a checked file belongs to, when the walk did not reach it."""
    found: list[Path] = []
    for root in roots:
        directory = (root if root.is_dir() else root.parent).resolve()
        for candidate in repository_folders(directory):
            for name in ("Procfile", "app.json"):
                path = candidate / name
                if path.is_file() and path.resolve() not in known and path not in found and process_file_kind(path):
                    found.append(path)
    return found


def deployment_files_above(settings, discovered: list[SourceFile]) -> list[SourceFile]:
    """The Procfile and app.json above a checked folder (up to the repository root), checked
    with it: a run from a subfolder of an app finds the deployment findings a run from its
    root finds, shown from the working directory (``../Procfile``). Files named one by one
    (pre-commit passes the staged ones) only read them for the process model
    (``deployment_facts``): a commit that leaves the Procfile alone is not judged on it."""
    cwd = settings.cwd
    folders = [root for path in settings.paths
               if (root := Path(path) if Path(path).is_absolute() else cwd / path).is_dir()]
    if not folders:
        return []
    known = {(cwd / source.path).resolve() for source in discovered if source.kind in ("procfile", "appjson")}
    adopted: list[Path] = []
    for folder in folders:
        # The nearest Procfile at or above the folder is its app's (a monorepo's root Procfile
        # is another app's when the folder has its own), with the app.json beside it.
        for candidate in repository_folders(folder.resolve()):
            procfile = candidate / "Procfile"
            if not procfile.is_file():
                continue
            if procfile.resolve() not in known:
                adopted += [path for path in (procfile, candidate / "app.json")
                            if path.is_file() and path.resolve() not in known and path not in adopted
                            and process_file_kind(path)]
            break
    return [SourceFile(path, shown_path(path, cwd), process_file_kind(path) or "procfile") for path in adopted]


def shown_path(path: Path, cwd: Path) -> str:
    """A deployment file found above the checked paths as reports show it: from the working
    directory (``../Procfile``) when both are in the same repository, else as checked files
    are (absolute outside the working directory)."""
    if inside(path, cwd):
        return display_path(path, cwd)
    here = Path(os.path.realpath(cwd))
    root = repository_root(here)
    real = os.path.realpath(path)
    if (root / ".git").exists() and inside(real, root):
        return Path(os.path.relpath(real, here)).as_posix()
    return display_path(path, cwd)

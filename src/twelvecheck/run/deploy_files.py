"""The Procfile and app.json a run reads besides the checked paths: those in the checked
folders' parents, up to the repository root, which hold the deployment a checked file
belongs to when the walk did not reach them."""

from __future__ import annotations

from pathlib import Path

from twelvecheck.engine.task import FileTask
from twelvecheck.files.discovery import display_path
from twelvecheck.files.ignoring import repository_folders
from twelvecheck.files.kinds import process_file_kind


def deployment_facts(settings, facts: dict[str, dict]) -> dict[str, dict]:
    """Facts of the Procfile and app.json above the checked paths that were not checked."""
    if getattr(settings, "stdin_source", None) is not None:
        return {}
    # Deferred: the analysis (and the engine behind it) loads only for a run that needs it.
    from twelvecheck.run.worker import analyze_file

    cwd = settings.cwd
    roots = [p if (p := Path(path)).is_absolute() else cwd / p for path in settings.paths]
    # Only a Procfile or app.json that was checked can be one found above: resolve those alone.
    known = {(cwd / path).resolve() for path, fact in facts.items() if "procfile" in fact or "appjson" in fact}
    found = {}
    for path in find_deployment_files([r for r in roots if r.exists()], known):
        shown = display_path(path, cwd)
        task = FileTask(str(path), shown, frozenset(), kind=process_file_kind(path))
        result = analyze_file(task)
        if result.facts:
            found[shown] = result.facts
            # A Procfile outside the working directory is shown by its absolute path, and so
            # are the files it names; the checked files among them are shown relative to it.
            for entry in result.facts.get("procfile", {}).get("entries", []):
                for target in entry["targets"]:
                    if target.get("path"):
                        target["path"] = display_path(Path(target["path"]), cwd)
    return found


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

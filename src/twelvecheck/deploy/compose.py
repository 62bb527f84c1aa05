"""A Compose file's services as declared processes (``declared.py``).

What is read, per the Compose specification:
- ``command`` and ``entrypoint``: a list is the argument vector; a string is split the way
  a shell splits words (Compose does not run it through a shell, so ``sh -c "..."`` is
  written out when a shell is wanted);
- ``build`` (a context folder, or ``context`` + ``dockerfile``): the Dockerfile the image
  comes from, whose CMD/ENTRYPOINT run when the service sets none; ``image`` alone is built
  elsewhere, so such a service's command is "not analysed";
- ``deploy.replicas``, and the older ``scale``: how many copies run (1 when neither is set);
- ``profiles``: a service in profiles only starts when a profile is asked for;
- ``init: true``: an init process is PID 1.

An override file named for development (``docker-compose.override.yml``, which ``docker
compose up`` merges on a developer's machine, ``docker-compose.dev.yml``, ``compose.local.yaml``)
declares local processes (``files/kinds.is_local_file``): entry points yes, production
findings no.
"""

from __future__ import annotations

import posixpath
import shlex
from pathlib import PurePosixPath

from twelvecheck.deploy.declared import DeclaredProcess, DescriptorError, Replicas, whole_number, yaml_documents
from twelvecheck.deploy.yaml_tree import Node
from twelvecheck.files.kinds import COMPOSE_NAME, is_development_compose


def is_compose_name(name: str) -> bool:
    return COMPOSE_NAME.match(name) is not None


def read_compose(text: str, display_path: str) -> list[DeclaredProcess]:
    """The services of a Compose file, in file order."""
    documents = yaml_documents(text, "the file is rendered before Compose reads it")
    if not documents:
        return []
    root = documents[0]
    services = root.get("services")
    if services is None:
        return []
    if services.kind != "mapping":
        raise DescriptorError("`services` is not a mapping", services.line, services.column)
    folder = posixpath.dirname(display_path)
    local = is_development_compose(PurePosixPath(display_path).name)
    return [_service(name, key, value, display_path, folder, local) for name, key, value in services.mappings()]


def _service(name: str, key: Node, node: Node, path: str, folder: str, local: bool) -> DeclaredProcess:
    process = DeclaredProcess(name=name, path=path, line=key.line, local=local)
    if node.kind != "mapping":
        process.notes.append("the service is not a mapping: not analysed")
        return process
    entrypoint, command = node.get("entrypoint"), node.get("command")
    entry_argv, command_argv = _argv(entrypoint, process), _argv(command, process)
    if entry_argv is not None or command_argv is not None:
        # An entrypoint set here drops the image's CMD unless command is set too.
        process.argv = [*(entry_argv or []), *(command_argv or [])]
        written = entrypoint or command
        process.command_line = written.line  # type: ignore[union-attr]
        process.command_column = _text_column(written)  # type: ignore[arg-type]
        if entry_argv is None:
            process.notes.append("the image's ENTRYPOINT, if any, runs before this command")
    process.context, process.dockerfile = _build(node.get("build"), folder)
    image = node.get("image")
    process.image = image.text() if image is not None else None
    if process.argv is None and process.dockerfile is None:
        process.notes.append(f"the command comes from the image {process.image or '(none named)'}, "
                             "built elsewhere: not analysed")
    process.replicas = _replicas(node, key.line)
    profiles = node.get("profiles")
    if profiles is not None and profiles.strings():
        process.notes.append(f"starts only with the profile {', '.join(profiles.strings() or [])}")
    init = node.get("init")
    process.init = init is not None and init.value is True
    return process


def _argv(node: Node | None, process: DeclaredProcess) -> list[str] | None:
    if node is None or node.value is None and node.kind == "scalar":
        return None
    if node.kind == "sequence":
        words = node.strings()
        if words is None:
            process.notes.append(f"line {node.line}: a command element is not a string: not analysed")
        return words
    text = node.text()
    if text is None:
        process.notes.append(f"line {node.line}: the command is not a string or a list: not analysed")
        return None
    try:
        return shlex.split(text)
    except ValueError as error:
        process.notes.append(f"line {node.line}: the command cannot be split into words ({error})")
        return None


def _text_column(node: Node) -> int:
    """Where a command's text starts: a scalar's (after an opening quote), a list's first
    element's."""
    first = node.elements[0] if node.kind == "sequence" and node.elements else node
    return first.column + (1 if first.quoted else 0)


def _build(build: Node | None, folder: str) -> tuple[str | None, str | None]:
    """(build context, Dockerfile) a ``build`` names, as display paths; (None, None) for a
    remote context or none."""
    if build is None:
        return None, None
    context, dockerfile = (build.text(), None) if build.kind == "scalar" else (
        (build.get("context").text() if build.get("context") else "."),
        (build.get("dockerfile").text() if build.get("dockerfile") else None))
    if context is None or "://" in context or context.startswith("git@"):
        return None, None
    context = posixpath.normpath(posixpath.join(folder, context))
    return context, posixpath.normpath(posixpath.join(context, dockerfile or "Dockerfile"))


def _replicas(node: Node, line: int) -> Replicas:
    for path, source in ((("deploy", "replicas"), "deploy.replicas"), (("scale",), "scale")):
        value = node.get(*path)
        if value is not None:
            count = whole_number(value.value)
            return Replicas(count, value.line, source if count is not None else f"{source} (not a whole number)")
    return Replicas(1, line, "default (one container)")

"""Read a Dockerfile for the rules: parse it (``dockerfile.py``), find its build context and
what its final stage runs (``container.py``), and the processes it starts (``pid1.py``)."""

from __future__ import annotations

from pathlib import Path

from twelvecheck.deploy.container import DockerfileDocument, build_context, command_reading
from twelvecheck.deploy.dockerfile import parse
from twelvecheck.deploy.pid1 import container_launches
from twelvecheck.files.ignoring import repository_root
from twelvecheck.files.kinds import dockerfile_variant


def read_dockerfile(data: bytes, display_path: str, directory: Path | None,
                    context: Path | None = None) -> DockerfileDocument:
    """The Dockerfile in ``data``, built from ``context`` when a descriptor says where (else
    the folder its COPY instructions point to); raises ``dockerfile.UnreadableDockerfile``."""
    dockerfile = parse(data)
    root = repository_root(directory) if directory is not None else None
    document = DockerfileDocument(dockerfile, display_path, dockerfile_variant(display_path), directory, root,
                                  context or build_context(dockerfile, directory, root))
    stage = dockerfile.final
    if stage is not None:
        reading = command_reading(document, stage)
        if reading is not None:
            document.entries.append(reading)
        document.launches = container_launches(document)
    return document

"""Kubernetes manifests' containers as declared processes (``declared.py``).

A manifest is YAML with ``apiVersion`` and ``kind``, one or several documents per file
(``---``), or a ``List`` of items. What is read:
- workloads: Deployment, StatefulSet, ReplicaSet and ReplicationController (``spec.replicas``,
  1 when it is not set), DaemonSet (one pod per node: the count is the cluster's), Pod, Job
  and CronJob (``spec.schedule``: the cluster runs it as a clock, which is how scheduled work
  belongs in a twelve-factor app);
- each container of the pod template: ``command`` replaces the image's ENTRYPOINT and
  ``args`` its CMD (both argument vectors, never run through a shell). A container with
  neither runs its image's command, which no file here shows: "not analysed". Init
  containers run to completion before the others and are left out;
- a HorizontalPodAutoscaler's ``minReplicas`` (1 when not set) for the workload it scales:
  at least that many copies run.

A file with template syntax (Helm's ``{{ .Values.x }}``) is not YAML until it is rendered:
it is passed over with a note, not reported as broken.
"""

from __future__ import annotations

from twelvecheck.deploy.declared import DeclaredProcess, DescriptorError, Replicas, whole_number, yaml_documents
from twelvecheck.deploy.yaml_tree import Node

REPLICATED = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
# kind -> the path from the manifest to the pod spec
POD_SPECS = {
    **{kind: ("spec", "template", "spec") for kind in (*REPLICATED, "DaemonSet", "Job")},
    "Pod": ("spec",),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}


class TemplateFile(DescriptorError):
    """Template syntax: passed over, with a note rather than an error."""


def looks_like_manifest(text: str) -> bool:
    """A cheap test before parsing: YAML that names an apiVersion and a kind."""
    return "apiVersion" in text and "kind" in text


def read_manifests(text: str, display_path: str) -> list[DeclaredProcess]:
    """Every container of every workload in the file, with the replicas the file gives it."""
    documents = yaml_documents(text, "a Helm chart or template is rendered before it is applied", TemplateFile)
    manifests = [item for document in documents for item in _items(document)]
    floors = _autoscaled(manifests)
    processes = []
    for manifest in manifests:
        kind = manifest.get("kind")
        kind_name = kind.text() if kind is not None else None
        if kind_name not in POD_SPECS:
            continue
        processes.extend(_workload(manifest, kind_name, display_path, floors))
    return processes


def _items(document: Node) -> list[Node]:
    if document.kind != "mapping":
        return []
    kind = document.get("kind")
    if kind is not None and kind.text() == "List":
        items = document.get("items")
        return [item for item in (items.elements if items is not None else []) if item.kind == "mapping"]
    return [document]


def _name(manifest: Node) -> str | None:
    name = manifest.get("metadata", "name")
    return name.text() if name is not None else None


def _autoscaled(manifests: list[Node]) -> dict[str, Replicas]:
    """Workload name -> the floor an autoscaler in the same file keeps it at."""
    floors = {}
    for manifest in manifests:
        kind = manifest.get("kind")
        if kind is None or kind.text() != "HorizontalPodAutoscaler":
            continue
        target = manifest.get("spec", "scaleTargetRef", "name")
        if target is None or target.text() is None:
            continue
        minimum = manifest.get("spec", "minReplicas")
        count = whole_number(minimum.value) if minimum is not None else 1
        line = minimum.line if minimum is not None else manifest.line
        floors[target.text()] = Replicas(count, line, f"HorizontalPodAutoscaler {_name(manifest) or ''} minReplicas"
                                                      .replace("  ", " "))
    return floors


def _workload(manifest: Node, kind: str, path: str, floors: dict[str, Replicas]) -> list[DeclaredProcess]:
    name = _name(manifest) or kind.lower()
    pod = manifest.get(*POD_SPECS[kind])
    containers = pod.get("containers") if pod is not None else None
    if containers is None or containers.kind != "sequence":
        return []
    replicas = _replicas(manifest, kind, name, floors)
    schedule = manifest.get("spec", "schedule") if kind == "CronJob" else None
    processes = []
    for container in containers.elements:
        if container.kind != "mapping":
            continue
        container_name = container.get("name")
        label = container_name.text() if container_name is not None else None
        process = DeclaredProcess(
            name=name if len(containers.elements) == 1 or not label else f"{name}/{label}", path=path,
            line=container.line, replicas=replicas, schedule=schedule.text() if schedule is not None else None)
        command, args = container.get("command"), container.get("args")
        command_argv = command.strings() if command is not None else None
        args_argv = args.strings() if args is not None else None
        if command_argv is not None:
            process.argv = [*command_argv, *(args_argv or [])]
            process.command_line = command.line  # type: ignore[union-attr]
        elif args_argv is not None:
            process.argv = args_argv
            process.command_line = args.line  # type: ignore[union-attr]
            process.notes.append("args only: the image's ENTRYPOINT runs them")
        image = container.get("image")
        process.image = image.text() if image is not None else None
        if process.argv is None:
            process.notes.append(f"the command comes from the image {process.image or '(none named)'}: not analysed")
        processes.append(process)
    return processes


def _replicas(manifest: Node, kind: str, name: str, floors: dict[str, Replicas]) -> Replicas:
    if name in floors:
        return floors[name]
    if kind == "DaemonSet":
        return Replicas(None, manifest.line, "DaemonSet: one pod on every node")
    if kind in REPLICATED:
        value = manifest.get("spec", "replicas")
        if value is not None:
            count = whole_number(value.value)
            return Replicas(count, value.line, "spec.replicas" if count is not None else "spec.replicas (not a number)")
        return Replicas(1, manifest.line, "default (spec.replicas not set)")
    return Replicas(1, manifest.line, f"{kind}: one pod")

"""The written-out value classes (core/values.py) keep what the dataclasses they replace gave:
the run relies on spans being hashable and frozen, findings being compared and copied with
a field changed, and every result crossing to the parent process by pickle."""

from __future__ import annotations

import copy
import pickle

import pytest

from twelvecheck.core.findings import Edit, Finding, Fix, Requires, Severity, Span, ToolError
from twelvecheck.core.values import FrozenError
from twelvecheck.files.discovery import SourceFile
from twelvecheck.run.model import Settings


def _finding(**changes) -> Finding:
    fields = dict(code="TWC201", name="file-handler", family="logging", severity=Severity.WARNING,
                  message="logs to a file", path="app/logs.py", span=Span(3, 1, 3, 30), help_uri="u")
    fields.update(changes)
    return Finding(**fields)


def test_frozen_values_compare_hash_refuse_changes_and_survive_pickling():
    span = Span(3, 5, 3, 9)
    assert span == Span(3, 5, 3, 9) and span != Span(3, 5, 3, 10) and span != (3, 5, 3, 9)
    assert len({span, Span(3, 5, 3, 9), Span(4, 1, 4, 2)}) == 2
    assert repr(span) == "Span(line=3, column=5, end_line=3, end_column=9)"
    with pytest.raises(FrozenError):
        span.line = 4
    with pytest.raises(AttributeError):  # as dataclasses.FrozenInstanceError is
        del span.column
    fix = Fix("safe", "use a stream handler", (Edit(span, "StreamHandler()"),))
    for value in (span, fix, Requires.instance_of("app.logs.AppHandler", "file"), SourceFile("a.py", "a.py", "python")):
        assert pickle.loads(pickle.dumps(value)) == value == copy.deepcopy(value)
    assert span.replace(line=4) == Span(4, 5, 3, 9) and span == Span(3, 5, 3, 9)
    with pytest.raises(TypeError):
        span.replace(lines=4)


def test_mutable_values_compare_by_fields_are_unhashable_and_copy_with_a_change():
    finding = _finding(fix=None)
    assert finding == _finding() and finding != _finding(message="other")
    with pytest.raises(TypeError):
        hash(finding)
    kept = finding.replace(requires=Requires.instance_of("a.B", "file")).replace(requires=None)
    assert kept == finding and kept is not finding
    finding.fingerprint = "abc"
    assert pickle.loads(pickle.dumps(finding)) == finding != _finding()
    assert str(ToolError("unreadable", "a.py", 3)) == "a.py:3: unreadable"
    # Each settings object has lists of its own (the dataclass's default factories), and
    # vars() is what a run's key is made from.
    first, second = Settings(), Settings()
    first.exclude.append("generated-here")
    assert "generated-here" not in second.exclude and vars(second)["paths"] == ["."]

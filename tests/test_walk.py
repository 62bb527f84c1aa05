"""The read-only walk (walk.py) passes the same nodes in the same order as libcst's visitor.

The engine relies on this: rules written as libcst visitors must see what ``Module.visit``
would show them. The reference is libcst's own traversal, recorded with punctuation cut off
at the same places the walk skips it.
"""

from __future__ import annotations

import sys
import sysconfig
import textwrap
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from twelvecheck.engine.positions import Positions
from twelvecheck.engine.walk import punctuation_types, visit_readonly, walk

REPO = Path(__file__).resolve().parents[1]
STDLIB = Path(sysconfig.get_paths()["stdlib"])

# Every statement and expression form Python 3.8-3.11 has, several in unusual orders
# (decorators, keyword arguments, conditional expressions, parameters of every kind).
EVERY_FORM = textwrap.dedent('''\
    """doc"""
    from __future__ import annotations
    import os.path as osp, sys
    from .. import parent
    from . mod import (a as b, c,)
    from x import *

    @decorator(arg, key=value)
    @other.attribute
    async def function(a, b: int = 1, /, c=2, *args: str, d, e: "x" = 3, **kwargs) -> list[int]:
        global g
        nonlocal_ = lambda p, *q, r=1, **s: (p, q, r, s)
        async with open(a) as f, ctx() as (x, y):
            async for item in aiter(f):
                await item
        x = [i async for i in aiter(a) if i if not i]
        y = {k: v for k, v in d.items()}
        z = {s for s in (1, 2)}
        w = (g for g in range(3))
        v = yield from gen()
        u = yield
        return a if b else c if d else e

    @dataclass
    class Klass(Base, metaclass=Meta, **extra):
        attr: int = 0
        other: str
        def method(self, *, only):
            def inner():
                nonlocal only
            return super().method(*self.args, key=only, **self.kw)

    try:
        pass
    except (ValueError, TypeError) as error:
        raise RuntimeError("x") from error
    except Exception:
        raise
    else:
        del a[1:2:3], b.c
    finally:
        assert a, "message"

    while (n := next(it)) is not None:
        if n > 1 and n < 3 or not n:
            break
        elif n in a and n not in b:
            continue
        else:
            pass
    else:
        print(f"{n!r:>{width}} {n=}", end="")

    for i, (j, k) in enumerate(pairs):
        x += -i ** 2 // 3 % 4 @ m << 1 >> 2 & 3 | 4 ^ ~5
    match command:
        case [x, y, *rest] if x > y:
            pass
        case {"key": value, **others}:
            pass
        case Point(x=0, y=py) | Point(1, 2) as point:
            pass
        case "a" | 1 | None | -1 | 1 + 2j:
            pass
        case _:
            pass
    if __name__ == "__main__":
        main(*sys.argv[1:]); sys.exit(0)
    ''')


def _libcst_order(root: cst.CSTNode) -> list[tuple[str, int]]:
    events: list[tuple[str, int]] = []

    class Recorder(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if type(node) in punctuation_types():
                return False
            events.append(("visit", id(node)))
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            if type(original_node) not in punctuation_types():
                events.append(("leave", id(original_node)))

    root.visit(Recorder())
    return events


def _walk_order(root: cst.CSTNode, skip_punctuation: bool = True) -> list[tuple[str, int]]:
    events: list[tuple[str, int]] = []

    def on_visit(node: cst.CSTNode) -> bool:
        events.append(("visit", id(node)))
        return True

    walk(root, on_visit, lambda node: events.append(("leave", id(node))), skip_punctuation)
    return events


def _assert_same_order(text: str, where: str) -> None:
    module = cst.parse_module(text)
    expected, got = _libcst_order(module), _walk_order(module)
    if expected != got:
        first = next((i for i, pair in enumerate(zip(expected, got)) if pair[0] != pair[1]), min(len(expected), len(got)))
        pytest.fail(f"{where}: the walk leaves libcst's order at event {first} "
                    f"({len(expected)} events in libcst's visit, {len(got)} in the walk)")


def test_every_syntactic_form_is_walked_in_libcsts_order():
    _assert_same_order(EVERY_FORM, "EVERY_FORM")


def test_type_parameters_are_walked_in_libcsts_order():
    # Python 3.12 syntax: libcst reads it whatever the interpreter running the tests.
    _assert_same_order(TYPE_PARAMETERS, "type parameters")


def test_calls_for_some_types_keeps_their_order_and_walks_through_the_others():
    module = cst.parse_module(EVERY_FORM)
    wanted = frozenset({cst.Call, cst.Name, cst.FunctionDef})
    expected = [(kind, node_id) for kind, node_id in _walk_order(module)
                if type(_node_by_id(module)[node_id]) in wanted]
    events: list[tuple[str, int]] = []

    def on_visit(node: cst.CSTNode) -> bool:
        events.append(("visit", id(node)))
        return True

    walk(module, on_visit, lambda node: events.append(("leave", id(node))), calls_for=wanted)
    assert events == expected
    assert any(type(_node_by_id(module)[i]) is cst.Name for _, i in events)  # reached under others


def _node_by_id(module: cst.Module) -> dict[int, cst.CSTNode]:
    found: dict[int, cst.CSTNode] = {}
    walk(module, lambda node: found.setdefault(id(node), node) is node, lambda node: None)
    return found


def test_the_walk_skips_whitespace_and_punctuation_only():
    module = cst.parse_module(EVERY_FORM)
    everything: list[tuple[str, int]] = []

    class All(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            everything.append(("visit", id(node)))
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            everything.append(("leave", id(original_node)))

    module.visit(All())
    assert len(_walk_order(module)) < len(everything) / 1.5  # most nodes are punctuation
    # Asked not to skip, it shows every node, whitespace included, in libcst's order.
    assert _walk_order(module, skip_punctuation=False) == everything


@pytest.mark.parametrize("fixture", sorted(p.name for p in (REPO / "fixtures").iterdir() if p.is_dir()))
def test_fixture_files_are_walked_in_libcsts_order(fixture):
    files = sorted((REPO / "fixtures" / fixture).rglob("*.py"))
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            cst.parse_module(text)
        except cst.ParserSyntaxError:
            continue  # the fixtures' deliberately broken files
        _assert_same_order(text, str(path.relative_to(REPO)))


# Packages with the widest spread of syntax; the whole library is compared when asked.
_STDLIB_SAMPLE = ("asyncio", "email", "json", "logging", "concurrent", "importlib", "re", "tomllib")


def test_standard_library_files_are_walked_in_libcsts_order():
    if not STDLIB.is_dir():
        pytest.skip(f"no standard library source at {STDLIB}")
    files = sorted(path for name in _STDLIB_SAMPLE for path in (STDLIB / name).rglob("*.py"))
    files += sorted(STDLIB.glob("[a-f]*.py"))
    assert len(files) > 100
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
            cst.parse_module(text)
        except (UnicodeDecodeError, cst.ParserSyntaxError):
            continue  # test data in the library that is not valid Python
        _assert_same_order(text, str(path))


def test_a_read_only_visitor_sees_what_libcst_shows_it():
    seen: dict[str, list[str]] = {"libcst": [], "walk": []}

    class Names(cst.CSTVisitor):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node.name.value != "inner"  # a False return skips the children

        def visit_Name(self, node: cst.Name) -> None:
            seen[self.key].append(node.value)

        def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
            seen[self.key].append("/" + original_node.name.value)

    module = cst.parse_module(EVERY_FORM)
    module.visit(Names("libcst"))
    visit_readonly(module, Names("walk"))
    assert seen["walk"] == seen["libcst"]
    assert "nonlocal_" in seen["walk"] and "/Klass" in seen["walk"] and "only" in seen["walk"]


def test_a_visitor_of_punctuation_gets_it():
    comments: list[str] = []

    class Comments(cst.CSTVisitor):
        def visit_Comment(self, node: cst.Comment) -> None:
            comments.append(node.value)

    visit_readonly(cst.parse_module("x = 1  # one\n# two\ndef f(\n    a,  # three\n): pass\n"), Comments())
    assert comments == ["# one", "# two", "# three"]


TYPE_PARAMETERS = textwrap.dedent("""\
    type Alias[T: int, *Ts, **P] = dict[T, list[Ts]]
    def generic[T](value: T) -> T: return value
    class Box[T](Base[T]): pass
    """)


def _assert_positions_are_libcsts(text: str, where: str) -> None:
    module = cst.parse_module(text)
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    ours = Positions(module)
    assert theirs  # the module at least
    for node, expected in theirs.items():
        span = ours.span(node)
        got = (span.line, span.column - 1, span.end_line, span.end_column - 1)
        assert got == (expected.start.line, expected.start.column, expected.end.line, expected.end.column), (
            f"{where}: {type(node).__name__} at {expected}")


@pytest.mark.parametrize("text", [
    EVERY_FORM,
    TYPE_PARAMETERS,
    "x = 1\r\ny = (\r  2)\r",
    "\ufeffpass\n\n\n",
    "if x:\n\tpass  # c\n\nelse:\n    y = '''a\nb'''\n",
])
def test_positions_are_libcsts(text):
    _assert_positions_are_libcsts(text, repr(text[:20]))


def test_positions_of_the_fixtures_are_libcsts():
    for path in sorted((REPO / "fixtures").rglob("*.py")):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            cst.parse_module(text)
        except cst.ParserSyntaxError:
            continue
        _assert_positions_are_libcsts(text, str(path.relative_to(REPO)))

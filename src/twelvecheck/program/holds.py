"""What a name, an attribute or a call holds, for following calls on it across modules.

The whole-program facts record, per file, the instances that three kinds of holder may
hold, each as ``X()`` ("what calling X gives"):

- a module-level name (``server = Server(...)``): ``pkg.mod.server``;
- an attribute set on ``self`` in a method (``self.server = Server(...)``): ``pkg.mod.Cls.server``;
- what a function or method returns: ``pkg.mod.setup()`` from its annotation (``-> Bot``,
  ``Optional[Bot]``, ``Bot | None``, ``"Bot"``), ``return Bot(...)``, ``return cls(...)``
  or ``return name`` where ``name`` was assigned ``Bot(...)``.

``project.Project.instances`` follows them (a bounded number of steps) to the classes whose
methods a call such as ``setup().serve_forever()`` or ``self.server.run()`` runs.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Iterable

from twelvecheck.program.dispatch import dispatched

if TYPE_CHECKING:
    from twelvecheck.engine.factscope import FileScope

_NONE = ("None", "builtins.None")


class Holds:
    def __init__(self, ctx: "FileScope", values: Callable[[ast.expr], Iterable[ast.expr]]) -> None:
        self.ctx = ctx
        self.values = values
        self.holds: dict[str, set[str]] = {}

    def facts(self) -> dict[str, list[str]]:
        return {name: sorted(made) for name, made in sorted(self.holds.items()) if made}

    def _made(self, node: ast.expr, cls: str | None) -> set[str]:
        """``X()`` for each call an expression (or what the name it is was assigned) makes."""
        found = set()
        for value in self.values(node):
            if isinstance(value, ast.Call):
                func = value.func
                if isinstance(func, ast.Name) and func.id == "cls" and cls:
                    found.add(f"{cls}()")
                elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
                    inner = self.ctx.qualify(func.value.func)  # Factory.build().relay()
                    if inner:
                        found.add(f"{inner}().{func.attr}()")
                elif (made := self.ctx.qualify(func)) and made not in _NONE:
                    found.add(f"{made}()")
                else:  # SERVERS[kind](port): an instance of any class the table holds
                    found.update(f"{made}()" for entry in dispatched(func, self.values)
                                 if (made := self.ctx.qualify(entry)) and made not in _NONE)
        return found

    def record_assign(self, node: "ast.Assign | ast.AnnAssign", cls: str | None) -> None:
        """``name = X(...)`` at module level; ``self.attr = X(...)`` in a method of ``cls``."""
        ctx = self.ctx
        if node.value is None or not isinstance(node.value, (ast.Call, ast.Name)):
            return
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            if isinstance(target, ast.Name) and not ctx.functions and not ctx.classes:
                holder = f"{ctx.module_name}.{target.id}"
            elif (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                  and target.value.id == "self" and cls and ctx.functions):
                holder = f"{cls}.{target.attr}"
            else:
                continue
            made = self._made(node.value, cls)
            if made:
                self.holds.setdefault(holder, set()).update(made)

    def record_return(self, node: ast.Return, function: str, cls: str | None) -> None:
        if node.value is not None and isinstance(node.value, (ast.Call, ast.Name)):
            made = self._made(node.value, cls)
            if made:
                self.holds.setdefault(f"{function}()", set()).update(made)

    def record_annotation(self, returns: ast.expr, function: str) -> None:
        """``-> Bot``, ``-> Optional[Bot]``, ``-> Bot | None``, ``-> "mod.Bot"``: an instance of Bot."""
        made = set()
        pending = [returns]
        while pending:
            node = pending.pop()
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and all(part.isidentifier() for part in node.value.split(".")):  # -> "core.Relay"
                first, *rest = node.value.split(".")
                node = ast.Name(first, ast.Load())
                for part in rest:
                    node = ast.Attribute(node, part, ast.Load())
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
                pending += [node.left, node.right]
            elif isinstance(node, ast.Subscript) and self.ctx.qualify(node.value) in ("typing.Optional",):
                pending.append(node.slice)
            elif isinstance(node, (ast.Name, ast.Attribute)):
                qualified = self.ctx.qualify(node)
                if qualified and qualified.rsplit(".", 1)[-1][:1].isupper() and not qualified.startswith("typing."):
                    made.add(f"{qualified}()")
        if made:
            self.holds.setdefault(f"{function}()", set()).update(made)

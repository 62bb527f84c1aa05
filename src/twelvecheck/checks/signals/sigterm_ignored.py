"""TWC301 sigterm-ignored: SIGTERM set to SIG_IGN (or to a handler that does nothing)."""

from __future__ import annotations

from twelvecheck.core.lazy import libcst as cst

from twelvecheck.program.values.assigned import AssignedValues
from twelvecheck.program.values.exprs import argument
from twelvecheck.program.signals import handler_kind, signals_of
from twelvecheck.engine.rule import Invalid, Rule, Valid


class SigtermIgnored(Rule):
    code = "TWC301"
    models = (AssignedValues,)
    # The signal module, however it is imported and used (not the word "signal" in prose),
    # or asyncio's loop.add_signal_handler.
    tokens = ("add_signal_handler", "signal.", "SIG_IGN", "import signal", "from signal", ", signal")

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.assigned = ctx.model_of(AssignedValues)
        self.loop_signals: dict[str, set[str]] = {}


    def visit_For(self, node: cst.For) -> None:
        if not isinstance(node.target, cst.Name):
            return
        found: set[str] = set()
        # A tuple, list or set written in place, or the one a name was assigned (SIGNALS = (...)).
        for iterable in self.assigned.values(node.iter):
            if isinstance(iterable, (cst.Tuple, cst.List, cst.Set)):  # (a dict's elements are not its keys)
                for element in iterable.elements:
                    found |= signals_of(element.value, self.ctx, None, self.assigned.values)
        if found:
            self.loop_signals[node.target.value] = found

    def leave_For(self, node: cst.For) -> None:
        if isinstance(node.target, cst.Name):
            self.loop_signals.pop(node.target.value, None)

    def visit_Call(self, node: cst.Call) -> None:
        qualified = self.ctx.qualify(node.func)
        if qualified == "signal.signal":
            how = "signal.signal(SIGTERM, SIG_IGN)"
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value == "add_signal_handler":
            how = "loop.add_signal_handler(SIGTERM, <no-op>)"
        else:
            return
        signals = signals_of(argument(node, 0, "signalnum") or argument(node, 0, "sig"), self.ctx,
                             self.loop_signals, self.assigned.values)
        handler = argument(node, 1, "handler") or argument(node, 1, "callback")
        if "SIGTERM" in signals and handler_kind(handler, self.ctx, self.assigned.values) == "ignore":
            self.report(node, how=how)

    VALID = [
        Valid("""
            import signal
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
            signal.signal(signal.SIGPIPE, signal.SIG_IGN)
            """),
        Valid("""
            import signal
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, lambda signum, frame: stop())
            """),
        Valid("""
            import os, signal
            os.kill(pid, signal.SIGTERM)
            signal.siginterrupt(signal.SIGTERM, False)
            # signal.signal(signal.SIGTERM, signal.SIG_IGN)
            text = "signal.signal(signal.SIGTERM, signal.SIG_IGN)"
            """),
        Valid("""
            class Fake:
                def signal(self, sig, handler):
                    pass
            SIGTERM, SIG_IGN = 15, 1
            Fake().signal(SIGTERM, SIG_IGN)
            """),
        # Misses the document states: a signal held by an attribute, by a constant of another
        # module or by a parameter, and a handler written as a def that does nothing.
        Valid("""
            import signal

            from worker import settings


            def _ignore(signum, frame):
                pass


            class Pool:
                def __init__(self, graceful=signal.SIGTERM):
                    self.graceful = graceful

                def init_child(self):
                    signal.signal(self.graceful, signal.SIG_IGN)
                    signal.signal(settings.STOP_SIGNAL, signal.SIG_IGN)
                    signal.signal(signal.SIGTERM, _ignore)


            def shield(sig):
                signal.signal(sig, signal.SIG_IGN)


            shield(signal.SIGTERM)
            """, filename="worker/pool.py", files=(
            ("worker/__init__.py", ""), ("worker/settings.py", "import signal\n\nSTOP_SIGNAL = signal.SIGTERM\n"))),
    ]

    INVALID = [
        Invalid("""
            import signal
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            """, lines=(2,)),
        Invalid("""
            from signal import signal as install, SIGTERM, SIG_IGN, Signals
            install(SIGTERM, SIG_IGN)
            install(Signals.SIGTERM, SIG_IGN)
            install(15, SIG_IGN)
            """, lines=(2, 3, 4)),
        Invalid("""
            import signal
            IGNORE = signal.SIG_IGN
            def harden():
                for sig in [signal.SIGINT, signal.SIGTERM]:
                    signal.signal(sig, IGNORE)
            """, lines=(5,)),
        Invalid("""
            import asyncio, signal
            async def main():
                loop = asyncio.get_running_loop()
                loop.add_signal_handler(signal.SIGTERM, lambda: None)
            """, lines=(4,)),
        # The signal in a module constant, a tuple written in place or assigned to a name, the
        # full spellings by keyword, a do-nothing lambda, a local name.
        Invalid("""
            import signal
            from signal import SIGINT, SIGTERM

            STOP_SIGNAL = signal.SIGTERM
            SHIELDED = (signal.SIGINT, signal.SIGTERM)


            def shield():
                for sig in SHIELDED:
                    signal.signal(sig, signal.SIG_IGN)


            def shield_in_place():
                for sig in (SIGINT, SIGTERM):
                    signal.signal(sig, signal.SIG_IGN)


            def detach_from_stop():
                signal.signal(STOP_SIGNAL, lambda *_: None)


            def quiet():
                signal.signal(signalnum=signal.Signals.SIGTERM, handler=signal.Handlers.SIG_IGN)


            def harden():
                stop = SIGTERM
                signal.signal(stop, signal.SIG_IGN)
            """, filename="worker/child.py", files=(("worker/__init__.py", ""),), lines=(10, 15, 19, 23, 28)),
    ]

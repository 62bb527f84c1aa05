"""Small immutable value classes, written out instead of made by ``@dataclass(frozen=True)``.

A dataclass compiles its methods when its module is imported (``exec`` of generated source:
0.3-0.8 ms each on Python 3.11), and a run answered from its record (run/replay.py) imports
about twenty of them: 7 ms of a 75 ms warm run on Django. The types such a run makes derive
from ``Frozen`` instead: each names its fields in ``__slots__`` (in order) and writes its
own ``__init__`` (setting them with ``init_field``, as the dataclass did); this base gives
what the frozen dataclass gave, from the fields, with nothing compiled at import:

- ``==`` between instances of the same class, field by field (``NotImplemented`` otherwise);
- ``hash`` of the fields (so a field that is not hashable makes the value unhashable too);
- the dataclass's ``repr``: ``Span(line=1, column=5, end_line=1, end_column=9)``;
- assigning or deleting a field raises ``FrozenError`` (an ``AttributeError``, as
  ``dataclasses.FrozenInstanceError`` is);
- ``copy``, ``pickle`` (values cross process boundaries) and ``replace`` rebuild it through
  ``__init__`` with every field given in order.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any, TypeVar

init_field = object.__setattr__  # for the subclasses' __init__: their own __setattr__ refuses

V = TypeVar("V", bound="Frozen")
M = TypeVar("M", bound="Mutable")


class FrozenError(AttributeError):
    """A field of a ``Frozen`` value was assigned or deleted."""


class Frozen:
    __slots__ = ()
    _values: Any = None  # attrgetter(*__slots__): the fields as a tuple, set per subclass

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        names = cls.__dict__.get("__slots__", ())
        getter = attrgetter(*names) if names else (lambda value: ())
        # attrgetter of one name gives the value itself, not a tuple
        cls._values = staticmethod(getter if len(names) != 1 else (lambda value: (getter(value),)))

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values(self) == self._values(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in zip(self.__slots__, self._values(self)))
        return f"{self.__class__.__qualname__}({shown})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise FrozenError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple:
        return self.__class__, self._values(self)

    def replace(self: V, **changes: Any) -> V:
        """A copy with ``changes`` (as ``dataclasses.replace``)."""
        values = dict(zip(self.__slots__, self._values(self)))
        unknown = set(changes) - set(values)
        if unknown:
            raise TypeError(f"{self.__class__.__qualname__} has no field {sorted(unknown)[0]!r}")
        values.update(changes)
        return self.__class__(*values.values())


class Mutable:
    """The same for a value whose fields change (what ``@dataclass`` made without
    ``frozen``): the fields are named in ``_fields`` (in order), ``==`` and the ``repr`` are
    theirs, and the value is unhashable. Instances keep a ``__dict__`` (``vars(settings)``
    is part of a run's key, run/runner.py); ``copy`` and ``pickle`` work as for any object."""

    _fields: tuple[str, ...] = ()
    __hash__ = None  # type: ignore[assignment]

    def _values(self) -> tuple:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()  # type: ignore[attr-defined]
        return NotImplemented

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({shown})"

    def replace(self: M, **changes: Any) -> M:
        """A copy with ``changes`` (as ``dataclasses.replace``)."""
        unknown = set(changes) - set(self._fields)
        if unknown:
            raise TypeError(f"{self.__class__.__qualname__} has no field {sorted(unknown)[0]!r}")
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return self.__class__(**values)

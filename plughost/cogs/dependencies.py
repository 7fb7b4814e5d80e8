"""Cogs that need cogs: declared requirements, cycles, and who depends on whom.

A cog names the cogs it cannot work without in ``requires = ("economy",)``; the
distributions come in through its own ``Requires-Dist``, so plughost only orders
the loads and refuses what cannot work. This module is the graph and nothing
else: it reads the declarations, names a cycle, and lists a cog's dependents in
the order they must stop. The :class:`~plughost.cogs.manager.CogManager` acts on
what it says.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plughost.cogs.cog import Cog

__all__ = [
    "cycle_through",
    "declaration_problems",
    "dependents_of",
    "describe_dependents",
    "requirements_of",
]


def requirements_of(cls: type[Cog]) -> tuple[str, ...]:
    """The cog names ``cls`` declares in ``requires`` (validated at import)."""
    return tuple(cls.requires)


def declaration_problems(cls: type[Cog]) -> list[str]:
    """What is wrong with ``cls``'s ``requires`` and ``provides``, for the quarantine."""
    problems: list[str] = []
    declared: Any = cls.requires  # Any: a cog may declare anything; this checks it
    if not isinstance(declared, (tuple, list)) or not all(isinstance(n, str) for n in declared):
        problems.append(
            f"requires must be a tuple of cog names (e.g. ('economy',)), not {declared!r}"
        )
    provides: Any = cls.provides
    if not isinstance(provides, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in provides.items()
    ):
        problems.append(
            "provides must map service names to attribute names "
            f"(e.g. {{'bank': 'bank'}}), not {provides!r}"
        )
    return problems


def cycle_through(name: str, loading: Sequence[str]) -> str | None:
    """``"a -> b -> a"`` if loading ``name`` now closes a cycle in ``loading``, else None.

    ``loading`` is the chain of cogs being loaded, outermost first, each waiting
    for the next: a name already in it is a requirement of itself.
    """
    if name not in loading:
        return None
    start = list(loading).index(name)
    return " -> ".join([*loading[start:], name])


def dependents_of(name: str, requires: Mapping[str, Iterable[str]]) -> list[str]:
    """The cogs that need ``name``, directly or not, in the order they must stop.

    ``requires`` maps each loaded cog to its requirements. A cog comes before
    every cog it needs, so stopping them in this order never leaves a cog
    running without one of its requirements.
    """
    needed_by: dict[str, set[str]] = {}
    for cog, needs in requires.items():
        for need in needs:
            needed_by.setdefault(need, set()).add(cog)
    order: list[str] = []
    seen: set[str] = set()

    def visit(cog: str) -> None:
        # Depth first, dependents of a cog before the cog itself.
        for dependent in sorted(needed_by.get(cog, ())):
            if dependent not in seen:
                seen.add(dependent)
                visit(dependent)
                order.append(dependent)

    visit(name)
    return order


def describe_dependents(name: str, dependents: Sequence[str]) -> str:
    """``"shop and bazaar need economy"``: the start of a refusal or a confirmation."""
    listed = ", ".join(dependents[:-1]) + f" and {dependents[-1]}" if len(dependents) > 1 else ""
    who = listed or dependents[0]
    verb = "need" if len(dependents) > 1 else "needs"
    return f"{who} {verb} {name}"

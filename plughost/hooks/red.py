"""What the ``import_red_data`` hook is given and returns: one Red Config's data, and a tally.

Kept in the hooks layer (below every cog) so that a cog can type its
implementation with the public names ``plughost.RedData`` and ``plughost.RedImport``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, final

__all__ = ["BUILTIN_SCOPES", "RedData", "RedImport"]

#: Red's built-in scopes and how many primary keys address one of their documents.
BUILTIN_SCOPES: Final[Mapping[str, int]] = MappingProxyType(
    {"GLOBAL": 0, "GUILD": 1, "TEXTCHANNEL": 1, "ROLE": 1, "USER": 1, "MEMBER": 2}
)


@final
@dataclass(frozen=True, slots=True)
class RedData:
    """The data of one Red ``Config`` (a cog name and an identifier), as Red stored it.

    ``scopes`` is Red's own tree: ``{"GLOBAL": {...}, "GUILD": {guild_id: {...}},
    "MEMBER": {guild_id: {member_id: {...}}}, "<custom group>": {key: ...}}``, ids
    as strings. ``custom_groups`` is each custom group's key count, from Red's
    ``CUSTOM_GROUPS`` record. Treat both as read-only.
    """

    cog_name: str
    identifier: str
    scopes: Mapping[str, Any]
    custom_groups: Mapping[str, int] = field(default_factory=dict)

    def documents(self, scope: str) -> Iterator[tuple[tuple[str, ...], Any]]:
        """``(primary keys, document)`` of every document of ``scope`` (none if absent).

        A built-in scope or a custom group with a known key count; documents
        that are not where the key count puts them are left out.
        """
        depth = BUILTIN_SCOPES.get(scope, self.custom_groups.get(scope))
        tree = self.scopes.get(scope)
        if depth is None or tree is None:
            return
        yield from _walk(tree, depth, ())


def _walk(node: Any, depth: int, keys: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    if depth == 0:
        yield keys, node
        return
    if isinstance(node, dict):
        for key, child in node.items():
            yield from _walk(child, depth - 1, (*keys, str(key)))


@final
@dataclass(frozen=True, slots=True)
class RedImport:
    """What a cog's ``import_red_data`` took over: a count, and what it could not map.

    ``imported`` counts the Red documents (or records, say so in ``what``) the cog
    wrote into its own data; each ``skipped`` line names one thing left behind and
    why (``"USER 123: field 'name' (no such field here)"``).
    """

    imported: int
    what: str = "documents"
    skipped: tuple[str, ...] = ()

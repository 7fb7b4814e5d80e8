"""Red's nested Config tree to plughost's documents, one row per (scope, primary keys).

Red's JSON backend keeps one tree per Config: ``{scope: {pk1: {pk2: document}}}``,
as many levels of primary keys as the scope has (GLOBAL none, GUILD one, MEMBER
two, a custom group its ``init_custom`` count). plughost keeps each document in
its own row, keyed ``(cog name, identifier, scope, *primary keys)``: exactly what
``Config.get_conf(None, identifier, cog_name=...)`` then reads, so a Red cog sees
its data unchanged, including what it wrote through a group with partial keys
(``custom("X", a).set({b: ...})``: Red nests it under ``a``, the row is ``(X, a, b)``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, final

from plughost.config.documents import encode
from plughost.config.keys import MAX_KEY_LENGTH, encode_parts
from plughost.hooks.red import BUILTIN_SCOPES

__all__ = ["ConfigDocuments", "documents_of"]


@final
@dataclass(slots=True)
class ConfigDocuments:
    """The rows of one Red Config, and what of it could not become a row."""

    cog_name: str
    identifier: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    """``(encoded key, JSON text)``, in key order."""
    per_scope: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)
    empty: int = 0
    """Documents Red left empty (``{}``): absent and empty read alike, so not stored."""

    @property
    def root(self) -> str:
        """The key prefix of every document of this Config."""
        return encode_parts((self.cog_name, self.identifier))


def documents_of(
    cog_name: str, identifier: str, scopes: dict[str, Any], custom_groups: dict[str, int]
) -> ConfigDocuments:
    """Every document of one Red Config (``scopes`` as in its ``settings.json``)."""
    out = ConfigDocuments(cog_name, identifier)
    for scope, tree in scopes.items():
        depth = BUILTIN_SCOPES.get(scope, custom_groups.get(scope))
        if depth is None:
            count = _leaves(tree)
            out.skipped.append(
                f"custom group {scope!r}: its key count is not in Red's CUSTOM_GROUPS"
                f" record (load the cog once in Red), {count} value(s) left behind"
            )
            continue
        _collect(out, scope, tree, depth, ())
    out.rows.sort()
    return out


def _collect(
    out: ConfigDocuments, scope: str, node: Any, depth: int, keys: tuple[str, ...]
) -> None:
    if depth > 0:
        if not isinstance(node, dict):
            where = "/".join((scope, *keys))
            out.skipped.append(
                f"{where}: a value where Red's key count expects more keys, left behind"
            )
            return
        for key, child in node.items():
            _collect(out, scope, child, depth - 1, (*keys, str(key)))
        return
    if node == {}:
        out.empty += 1
        return
    where = "/".join((scope, *keys))
    try:
        key = encode_parts((out.cog_name, out.identifier, scope, *keys))
        text = encode(node)
    except (TypeError, ValueError) as exc:
        out.skipped.append(f"{where}: {exc}")
        return
    if len(key) > MAX_KEY_LENGTH:
        out.skipped.append(f"{where}: its key is longer than {MAX_KEY_LENGTH} characters")
        return
    out.rows.append((key, text))
    out.per_scope[scope] += 1


def _leaves(node: Any) -> int:
    if isinstance(node, dict) and node:
        return sum(_leaves(child) for child in node.values())
    return 1

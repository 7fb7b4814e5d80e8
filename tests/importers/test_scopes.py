"""Red's nested trees become plughost documents that Config reads back exactly as Red would,
through every scope and every partial key (a property over generated Red data)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plughost.config import Config, connect
from plughost.hooks.red import BUILTIN_SCOPES, RedData
from plughost.importers.red.scopes import documents_of

_text = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=4)
_leaf = st.one_of(st.none(), st.booleans(), st.integers(-(10**12), 10**12), _text)
_value: st.SearchStrategy[Any] = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(_text, inner, max_size=2),
    max_leaves=6,
)
# Red's documents are dicts; an empty one reads as absent (not stored).
_doc = st.dictionaries(
    st.from_regex(r"[a-z_]{1,6}", fullmatch=True), _value, min_size=1, max_size=3
)
_snowflake = st.integers(10**17, 10**17 + 50).map(str)
_custom_key = st.text(
    st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), min_size=1, max_size=4
)


def _tree(depth: int, key: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    if depth == 0:
        return _doc
    return st.dictionaries(key, _tree(depth - 1, key), min_size=1, max_size=3)


@st.composite
def _red_config(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, int]]:
    scopes: dict[str, Any] = {}
    for scope in draw(st.sets(st.sampled_from(sorted(BUILTIN_SCOPES)), min_size=1)):
        scopes[scope] = draw(_tree(BUILTIN_SCOPES[scope], _snowflake))
    groups = draw(st.dictionaries(st.sampled_from(["NOTE", "TAG", "X"]), st.integers(1, 3)))
    for name, count in groups.items():
        scopes[name] = draw(_tree(count, _custom_key))
    return scopes, groups


def _subtrees(node: Any, depth: int, keys: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    """Every (partial keys, what Red returns for them), down to whole documents."""
    found = [(keys, node)]
    if depth > 0:
        for key, child in node.items():
            found += _subtrees(child, depth - 1, (*keys, key))
    return found


async def _check(path: Path, scopes: dict[str, Any], groups: dict[str, int]) -> None:
    config = documents_of("Red", "42", scopes, groups)
    assert config.skipped == []
    data = RedData("Red", "42", scopes, groups)
    async with connect(f"sqlite://{path}") as store:
        await store.delete_prefix("")
        await store.insert_rows(config.rows)
        await store.flush()
        conf = Config.get_conf(None, identifier=42, cog_name="Red")
        for name, count in groups.items():
            conf.init_custom(name, count)
        for scope, tree in scopes.items():
            depth = BUILTIN_SCOPES.get(scope, groups.get(scope, 0))
            if scope == "GLOBAL":
                assert await conf.all() == tree
                continue
            for keys, expected in _subtrees(tree, depth, ()):
                group = conf._get_base_group(scope, *keys)  # as Red's own bank code reads
                assert await group.all() == expected, (scope, keys)
            assert dict(data.documents(scope)) == {
                keys: doc for keys, doc in _subtrees(tree, depth, ()) if len(keys) == depth
            }


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(red=_red_config())
def test_every_scope_and_partial_key_reads_back_as_red_stored_it(
    tmp_path_factory: Any, red: tuple[dict[str, Any], dict[str, int]]
) -> None:
    path = tmp_path_factory.mktemp("scopes") / "plughost.db"
    asyncio.run(_check(path, *red))


def test_reds_scopes_are_plughost_configs_scopes() -> None:
    from plughost.config.config import _BUILTIN

    assert dict(BUILTIN_SCOPES) == _BUILTIN
    assert (Config.GLOBAL, Config.GUILD, Config.CHANNEL, Config.ROLE, Config.USER) == (
        "GLOBAL",
        "GUILD",
        "TEXTCHANNEL",
        "ROLE",
        "USER",
    )
    assert Config.MEMBER == "MEMBER"

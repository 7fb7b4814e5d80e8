"""Defaults deep-merged under stored data; reads are copies, never views of storage."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plughost.config import Config, ConfigStore
from plughost.config.documents import copy_json, merge_defaults, normalise

# U+0000 and lone surrogates are refused on every backend (test_bad_input.py).
_text = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=5)
_leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    _text,
    # PostgreSQL's jsonb prints 1e16 as 10000000000000000, which reads back as
    # an int: floats that large are a documented limit of that backend.
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
)
_json: st.SearchStrategy[Any] = st.recursive(
    _leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=12,
)
_docs = st.dictionaries(_text, _json, max_size=4)


async def test_deep_merge_under_stored_data(conf: Config) -> None:
    conf.register_guild(opts={"a": 1, "deep": {"x": 1, "y": 2}}, name="n")
    group = conf.guild_from_id(1)
    await group.opts.deep.y.set(20)
    await group.opts.extra.set(True)
    assert await group.all() == {
        "opts": {"a": 1, "deep": {"x": 1, "y": 20}, "extra": True},
        "name": "n",
    }
    assert await group.opts() == {"a": 1, "deep": {"x": 1, "y": 20}, "extra": True}
    # Defaults registered later apply to data stored earlier.
    conf.register_guild(opts__deep__z=3)
    assert await group.opts.deep() == {"x": 1, "y": 20, "z": 3}


async def test_stored_non_dict_replaces_a_dict_default(conf: Config) -> None:
    conf.register_guild(opts={"a": 1})
    await conf.guild_from_id(1).set_raw("opts", value=[1, 2])
    assert await conf.guild_from_id(1).all() == {"opts": [1, 2]}


async def test_mutating_a_read_never_changes_storage(conf: Config) -> None:
    conf.register_guild(items=[], opts={"a": {"b": 1}})
    group = conf.guild_from_id(1)
    items = await group.items()
    items.append("leak")
    everything = await group.all()
    everything["opts"]["a"]["b"] = 99
    everything["items"].append("leak")
    assert await group.items() == []
    assert await group.opts() == {"a": {"b": 1}}
    await group.items.set(["kept"])
    items = await group.items()
    items.append("leak")
    assert await group.items() == ["kept"]
    assert conf.defaults["GUILD"] == {"items": [], "opts": {"a": {"b": 1}}}


async def test_mutating_a_value_after_set_does_not_change_storage(conf: Config) -> None:
    value = {"list": [1]}
    await conf.guild_from_id(1).data.set(value)
    value["list"].append(2)
    assert await conf.guild_from_id(1).data() == {"list": [1]}


async def test_dict_keys_are_stored_as_strings(conf: Config) -> None:
    await conf.guild_from_id(1).counts.set({1: "one", 2: "two"})
    assert await conf.guild_from_id(1).counts() == {"1": "one", "2": "two"}
    await conf.guild_from_id(1).pair.set((1, 2))
    assert await conf.guild_from_id(1).pair() == [1, 2]


@given(defaults=_docs, stored=_docs)
def test_merge_prefers_stored_values_and_keeps_every_key(
    defaults: dict[str, Any], stored: dict[str, Any]
) -> None:
    merged = merge_defaults(defaults, stored)
    assert set(merged) == set(defaults) | set(stored)
    for key, value in stored.items():
        if not (type(value) is dict and type(defaults.get(key)) is dict):
            assert merged[key] == value
    for key, value in defaults.items():
        if key not in stored:
            assert merged[key] == value


@given(defaults=_docs, stored=_docs)
def test_merge_shares_nothing_with_its_inputs(
    defaults: dict[str, Any], stored: dict[str, Any]
) -> None:
    before = (copy_json(defaults), copy_json(stored))
    merged = merge_defaults(defaults, stored)
    _scribble(merged)
    assert (defaults, stored) == before


def _scribble(node: Any) -> None:
    if type(node) is dict:
        for value in node.values():
            _scribble(value)
        node["scribbled"] = True
    elif type(node) is list:
        for value in node:
            _scribble(value)
        node.append("scribbled")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=_json)
async def test_any_json_value_reads_back_as_stored(store: ConfigStore, value: Any) -> None:
    conf = Config.get_conf(None, identifier=1, cog_name="Roundtrip")
    await conf.guild_from_id(1).value.set(value)
    assert await conf.guild_from_id(1).value() == normalise(value)

"""Custom groups, including partial identifiers."""

from __future__ import annotations

import pytest

from plughost.config import Config


@pytest.fixture
def tags(conf: Config) -> Config:
    conf.init_custom("TAGS", 2)
    conf.register_custom("TAGS", text="", uses=0)
    return conf


async def test_full_identifiers_address_one_document(tags: Config) -> None:
    await tags.custom("TAGS", 1, "hello").text.set("world")
    assert await tags.custom("TAGS", "1", "hello").all() == {"text": "world", "uses": 0}


async def test_partial_identifiers_read_nested_documents(tags: Config) -> None:
    await tags.custom("TAGS", 1, "a").text.set("A")
    await tags.custom("TAGS", 1, "b").uses.set(2)
    await tags.custom("TAGS", 2, "a").text.set("other guild")
    # Red: above document level, raw data without defaults.
    assert await tags.custom("TAGS", 1).all() == {"a": {"text": "A"}, "b": {"uses": 2}}
    assert await tags.custom("TAGS").all() == {
        "1": {"a": {"text": "A"}, "b": {"uses": 2}},
        "2": {"a": {"text": "other guild"}},
    }
    assert await tags.custom("TAGS", 3).all() == {}


async def test_all_custom_mixes_defaults_per_document(tags: Config) -> None:
    await tags.custom("TAGS", 1, "a").text.set("A")
    await tags.custom("TAGS", 2, "b").uses.set(4)
    assert await tags.all_custom("TAGS") == {
        "1": {"a": {"text": "A", "uses": 0}},
        "2": {"b": {"text": "", "uses": 4}},
    }
    assert await tags.all_custom("TAGS", 2) == {"b": {"text": "", "uses": 4}}


async def test_partial_identifier_paths_extend_the_identifiers(tags: Config) -> None:
    partial = tags.custom("TAGS", 1)
    await partial.set_raw("x", "text", value="via raw")
    assert await tags.custom("TAGS", 1, "x").text() == "via raw"
    assert await partial.get_raw("x", "text") == "via raw"
    await partial.clear_raw("x")
    assert await tags.custom("TAGS", 1).all() == {}


async def test_set_and_clear_at_a_partial_level(tags: Config) -> None:
    await tags.custom("TAGS", 1, "old").text.set("gone soon")
    await tags.custom("TAGS", 2, "keep").text.set("kept")
    await tags.custom("TAGS", 1).set({"a": {"text": "A"}, "b": {"uses": 1}})
    assert await tags.custom("TAGS", 1).all() == {"a": {"text": "A"}, "b": {"uses": 1}}
    with pytest.raises(ValueError, match="nested"):
        await tags.custom("TAGS").set({"1": 5})
    assert await tags.custom("TAGS", 1).all() == {"a": {"text": "A"}, "b": {"uses": 1}}
    await tags.custom("TAGS", 1).clear()
    assert await tags.custom("TAGS").all() == {"2": {"keep": {"text": "kept"}}}


async def test_async_with_at_a_partial_level(tags: Config) -> None:
    await tags.custom("TAGS", 1, "a").uses.set(1)
    async with tags.custom("TAGS", 1).all() as docs:
        docs["a"]["uses"] += 1
        docs["b"] = {"text": "new"}
    assert await tags.all_custom("TAGS", 1) == {
        "a": {"text": "", "uses": 2},
        "b": {"text": "new", "uses": 0},
    }


async def test_clear_all_custom_and_lock(tags: Config) -> None:
    tags.init_custom("OTHER", 1)
    await tags.custom("TAGS", 1, "a").text.set("A")
    await tags.custom("OTHER", 1).v.set(1)
    assert tags.get_custom_lock("TAGS") is tags.get_custom_lock("TAGS")
    await tags.clear_all_custom("TAGS")
    assert await tags.custom("TAGS").all() == {}
    assert await tags.custom("OTHER", 1).v() == 1


async def test_init_custom_rules(conf: Config) -> None:
    conf.init_custom("G", 1)
    conf.init_custom("G", 1)
    with pytest.raises(ValueError, match="identifier count"):
        conf.init_custom("G", 2)
    with pytest.raises(ValueError, match="not initialized"):
        conf.custom("NOPE", 1)
    with pytest.raises(ValueError, match="not initialized"):
        conf.get_custom_lock("NOPE")
    with pytest.raises(ValueError, match="built-in"):
        conf.init_custom("GUILD", 1)


async def test_identifiers_with_separator_characters(conf: Config) -> None:
    conf.init_custom("WEIRD", 2)
    await conf.custom("WEIRD", "a\x1f", "b").v.set(1)
    await conf.custom("WEIRD", "a", "\x1fb").v.set(2)
    await conf.custom("WEIRD", "a\x1e", "c").v.set(3)
    assert await conf.custom("WEIRD", "a").all() == {"\x1fb": {"v": 2}}
    assert await conf.custom("WEIRD", "a\x1f").all() == {"b": {"v": 1}}
    assert set(await conf.custom("WEIRD").all()) == {"a", "a\x1f", "a\x1e"}

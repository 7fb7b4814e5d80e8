"""Bad values and bad identifiers are refused before anything is written."""

from __future__ import annotations

import pytest

from plughost.config import Config

from .conftest import FakeGuild


@pytest.mark.parametrize(
    "value",
    [
        object(),
        {1, 2},
        b"bytes",
        {"k": object()},
        [float("nan")],
        float("inf"),
        {(1, 2): "tuple key"},
    ],
)
async def test_non_json_values_raise_type_error_and_write_nothing(
    conf: Config, value: object
) -> None:
    await conf.guild_from_id(1).other.set("kept")
    with pytest.raises(TypeError):
        await conf.guild_from_id(1).value.set(value)
    with pytest.raises(TypeError):
        await conf.guild_from_id(1).set_raw("deep", "value", value=value)
    with pytest.raises(TypeError):
        await conf.guild_from_id(2).set({"value": value})
    assert await conf.all_guilds() == {1: {"other": "kept"}}


async def test_non_json_defaults_are_refused(conf: Config) -> None:
    with pytest.raises(TypeError):
        conf.register_guild(bad=object())
    assert conf.defaults.get("GUILD", {}) == {}


async def test_nul_characters_are_refused_on_every_backend(conf: Config) -> None:
    with pytest.raises(ValueError, match="NUL"):
        await conf.value.set("a\x00b")
    conf.init_custom("C", 1)
    with pytest.raises(ValueError, match="NUL"):
        conf.custom("C", "a\x00b")
    assert await conf.value() is None


async def test_lone_surrogates_are_refused_before_writing(conf: Config) -> None:
    await conf.value.set("kept")
    for bad in ("a\ud800", {"\udfff": 1}, ["\ud83d"]):
        with pytest.raises(ValueError, match="surrogate"):
            await conf.value.set(bad)
    assert await conf.value.set("é\U0001f600") is None  # valid non-ASCII still goes through
    assert await conf.value() == "é\U0001f600"


@pytest.mark.parametrize("bad", ["1", 1.0, None, True, 2**70 * 1.0])
async def test_from_id_needs_an_int(conf: Config, bad: object) -> None:
    for call in (conf.guild_from_id, conf.channel_from_id, conf.role_from_id, conf.user_from_id):
        with pytest.raises(TypeError):
            call(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        conf.member_from_ids(1, bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        conf.member_from_ids(bad, 1)  # type: ignore[arg-type]


async def test_objects_need_an_int_id(conf: Config) -> None:
    with pytest.raises(TypeError):
        conf.guild(object())
    with pytest.raises(TypeError):
        conf.guild(FakeGuild("12"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        conf.member(FakeGuild(1))  # a member needs a guild


async def test_custom_identifier_count_is_checked(conf: Config) -> None:
    conf.init_custom("C", 2)
    with pytest.raises(ValueError, match="takes 2"):
        conf.custom("C", 1, 2, 3)
    with pytest.raises(ValueError, match="non-negative"):
        conf.init_custom("D", -1)


async def test_identifiers_that_are_too_long(conf: Config) -> None:
    conf.init_custom("C", 1)
    with pytest.raises(ValueError, match="too long"):
        conf.custom("C", "x" * 5000)
    with pytest.raises(ValueError, match="too long"):
        await conf.custom("C").set_raw("y" * 5000, value=1)
    assert await conf.custom("C").all() == {}


def test_identifier_type_of_get_conf() -> None:
    with pytest.raises(TypeError):
        Config.get_conf(None, identifier=1.5, cog_name="X")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [{1: "a", "1": "b"}, {"deep": [{True: 1, "true": 2}]}, {None: 1, "null": 2}],
)
async def test_dict_keys_that_collide_as_strings_are_refused(conf: Config, value: object) -> None:
    """`{1: "a", "1": "b"}` would be stored as `{"1": "b"}`, one entry silently lost."""
    await conf.guild_from_id(1).other.set("kept")
    with pytest.raises(ValueError, match="would both be stored as"):
        await conf.guild_from_id(1).value.set(value)
    with pytest.raises(ValueError, match="would both be stored as"):
        async with conf.guild_from_id(1).all() as data:
            data["value"] = value
    assert await conf.all_guilds() == {1: {"other": "kept"}}


async def test_non_colliding_int_keys_are_still_stored_as_strings(conf: Config) -> None:
    await conf.guild_from_id(1).value.set({1: "a", 2: "b"})
    assert await conf.guild_from_id(1).value() == {"1": "a", "2": "b"}


@pytest.mark.parametrize("ident", [object(), 1.5, None, True, (1, 2)])
async def test_identifiers_other_than_str_or_int_are_refused(conf: Config, ident: object) -> None:
    """`str()` of an arbitrary object (its memory address) must never become a key."""
    conf.init_custom("Things", 1)
    conf.register_custom("Things", count=0)
    with pytest.raises(TypeError, match="must be str or int"):
        conf.custom("Things", ident)
    with pytest.raises(TypeError, match="must be str or int"):
        await conf.all_custom("Things", ident)
    with pytest.raises(TypeError, match="must be str or int"):
        await conf.guild_from_id(1).set_raw("a", ident, value=1)
    await conf.custom("Things", 12).count.set(1)  # an int id is fine
    await conf.custom("Things", "name").count.set(2)
    assert await conf.all_custom("Things") == {"12": {"count": 1}, "name": {"count": 2}}

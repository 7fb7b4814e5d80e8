"""Reading, writing and clearing single values; registration of defaults."""

from __future__ import annotations

import pytest

from plughost.config import Config, ConfigStore, Group, Value, connect


async def test_registered_default_until_set(conf: Config) -> None:
    conf.register_global(enabled=True, name="x")
    assert await conf.enabled() is True
    await conf.enabled.set(False)
    assert await conf.enabled() is False
    assert await conf.name() == "x"


async def test_call_default_overrides_registered(conf: Config) -> None:
    conf.register_guild(prefix="!")
    group = conf.guild_from_id(1)
    assert await group.prefix("?") == "?"
    await group.prefix.set("$")
    assert await group.prefix("?") == "$"


async def test_unregistered_value_defaults_to_none(conf: Config) -> None:
    assert await conf.guild_from_id(1).nothing() is None


async def test_clear_restores_default(conf: Config) -> None:
    conf.register_guild(prefix="!")
    group = conf.guild_from_id(1)
    await group.prefix.set("?")
    await group.prefix.clear()
    assert await group.prefix() == "!"
    await group.prefix.set("?")
    await group.clear()
    assert await group.all() == {"prefix": "!"}


async def test_values_survive_reopening(dsn: str) -> None:
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=1, cog_name="Persist")
        await conf.guild_from_id(7).items.set([1, 2.5, "three", None, {"four": True}])
        await conf.ratio.set(1.0)
    async with connect(dsn):
        conf = Config.get_conf(None, identifier=1, cog_name="Persist")
        assert await conf.guild_from_id(7).items() == [1, 2.5, "three", None, {"four": True}]
        ratio = await conf.ratio()
        assert ratio == 1.0
        assert type(ratio) is float


async def test_nested_groups_and_double_underscore_registration(conf: Config) -> None:
    conf.register_guild(settings={"a": 1}, settings__b__c=2)
    group = conf.guild_from_id(3)
    assert isinstance(group.settings, Group)
    assert isinstance(group.settings.a, Value)
    assert await group.settings() == {"a": 1, "b": {"c": 2}}
    await group.settings.b.c.set(3)
    assert await group.settings.b() == {"c": 3}
    assert await group.all() == {"settings": {"a": 1, "b": {"c": 3}}}


async def test_group_set_needs_a_dict(conf: Config) -> None:
    with pytest.raises(ValueError, match="dict"):
        await conf.guild_from_id(1).set([1, 2])
    await conf.guild_from_id(1).set({"a": 1})
    assert await conf.guild_from_id(1).all() == {"a": 1}


async def test_get_raw_set_raw_clear_raw(conf: Config) -> None:
    conf.register_guild(tags={"hello": "world"})
    group = conf.guild_from_id(5)
    assert await group.get_raw("tags", "hello") == "world"
    await group.set_raw("tags", "bye", value="now")
    assert await group.get_raw("tags") == {"hello": "world", "bye": "now"}
    await group.set_raw("counts", 7, value=1)
    assert await group.get_raw("counts", "7") == 1
    await group.clear_raw("counts", 7)
    with pytest.raises(KeyError):
        await group.get_raw("counts", 7)
    assert await group.get_raw("counts", 7, default=0) == 0


async def test_get_attr_and_introspection(conf: Config) -> None:
    conf.register_guild(prefix="!", settings={"a": 1})
    group = conf.guild_from_id(1)
    assert await group.get_attr("prefix")() == "!"
    assert group.is_group("settings")
    assert not group.is_value("settings")
    assert group.is_value("prefix")
    assert not group.is_group("prefix")
    assert not group.is_value("missing")


async def test_defaults_property_is_a_copy(conf: Config) -> None:
    conf.register_guild(settings={"a": 1})
    conf.defaults["GUILD"]["settings"]["a"] = 99
    assert conf.defaults == {"GUILD": {"settings": {"a": 1}}}
    assert await conf.guild_from_id(1).settings.a() == 1


def test_scope_constants_match_red() -> None:
    assert (Config.GLOBAL, Config.GUILD, Config.CHANNEL) == ("GLOBAL", "GUILD", "TEXTCHANNEL")
    assert (Config.ROLE, Config.USER, Config.MEMBER) == ("ROLE", "USER", "MEMBER")


async def test_registering_group_over_value_is_refused(conf: Config) -> None:
    conf.register_guild(thing=1)
    with pytest.raises(KeyError):
        conf.register_guild(thing={"a": 1})
    with pytest.raises(RuntimeError, match="invalid config key"):
        conf.register_guild(**{"not-valid": 1})


async def test_one_config_per_cog_and_identifier(store: ConfigStore) -> None:
    first = Config.get_conf(None, identifier=9, cog_name="Same")
    assert Config.get_conf(None, identifier=9, cog_name="Same") is first
    assert Config.get_conf(None, identifier=10, cog_name="Same") is not first


async def test_cog_name_from_instance(store: ConfigStore) -> None:
    class Economy:
        pass

    class Named:
        __cog_name__ = "economy-plus"

    assert Config.get_conf(Economy(), identifier=1).cog_name == "Economy"
    assert Config.get_conf(Named(), identifier=1).cog_name == "economy-plus"
    with pytest.raises(ValueError, match="cog instance or a cog name"):
        Config.get_conf(None, identifier=1)


async def test_same_cog_name_different_identifier_is_separate_data(store: ConfigStore) -> None:
    one = Config.get_conf(None, identifier=1, cog_name="Twin")
    two = Config.get_conf(None, identifier=2, cog_name="Twin")
    await one.value.set("one")
    assert await two.value() is None

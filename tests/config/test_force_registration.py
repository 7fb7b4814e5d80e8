"""force_registration: unknown attributes raise AttributeError."""

from __future__ import annotations

import pytest

from plughost.config import Config, ConfigStore


async def test_unknown_attribute_raises(store: ConfigStore) -> None:
    conf = Config.get_conf(None, identifier=1, cog_name="Strict", force_registration=True)
    conf.register_global(known=1)
    conf.register_guild(settings={"a": 1})
    assert await conf.known() == 1
    with pytest.raises(AttributeError, match="typo"):
        conf.typo  # noqa: B018 - the access is the test
    with pytest.raises(AttributeError):
        conf.guild_from_id(1).settings.b  # noqa: B018
    with pytest.raises(AttributeError):
        await conf.guild_from_id(1).get_attr("nope")()
    assert await conf.guild_from_id(1).settings.a() == 1


async def test_without_force_registration_anything_goes(conf: Config) -> None:
    await conf.anything.set(1)
    assert await conf.anything() == 1


async def test_dunder_probes_are_not_config_keys(conf: Config) -> None:
    import copy

    group = conf.guild_from_id(1)
    assert not hasattr(group, "__deepcopy__")
    assert not hasattr(conf, "__length_hint__")
    assert copy.copy(group) is not None

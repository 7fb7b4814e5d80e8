"""Values and groups can be patched with unittest.mock, as Red's tests and cog authors do.

Issue 15, item 9: Red-DiscordBot's ``test_ctxmgr_no_unnecessary_write`` patches
``set`` on one value; with ``__slots__`` alone that raised "'Value' object
attribute 'set' is read-only".
"""

from __future__ import annotations

from unittest.mock import AsyncMock, patch

from plughost.config import Config


async def test_ctxmgr_no_unnecessary_write(conf: Config) -> None:
    """Red's own test, in its own shape."""
    conf.register_global(foo={})
    foo_value_obj = conf.foo
    with patch.object(foo_value_obj, "set") as set_method:
        async with foo_value_obj() as foo:
            pass
        set_method.assert_not_called()
    assert foo == {}


async def test_a_changed_block_writes_through_the_patched_set(conf: Config) -> None:
    conf.register_global(foo={})
    value = conf.foo
    with patch.object(value, "set", wraps=value.set) as set_method:
        async with value() as foo:
            foo["a"] = 1
        set_method.assert_awaited_once_with({"a": 1})
    assert await conf.foo() == {"a": 1}  # the wrapped set really wrote
    assert "set" not in vars(value)  # and the patch is gone again


async def test_group_methods_can_be_patched_and_come_back(conf: Config) -> None:
    conf.register_guild(prefix="!", opts={"a": 1})
    group = conf.guild_from_id(1)
    with patch.object(group, "all", new=AsyncMock(return_value={"prefix": "?"})):
        assert await group.all() == {"prefix": "?"}
    assert await group.all() == {"prefix": "!", "opts": {"a": 1}}
    with patch.object(group, "set_raw") as set_raw:
        await group.set_raw("prefix", value="$")
        set_raw.assert_awaited_once_with("prefix", value="$")
    assert await group.prefix() == "!"  # the mock stored nothing
    opts = group.opts
    with patch.object(opts, "clear") as clear:
        await opts.clear()
        clear.assert_awaited_once_with()

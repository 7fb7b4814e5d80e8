"""Every JSON value reads back with its type on both backends: fresh, after reopening
the store, and after `plughost convert` there and back.

Python's ``==`` says ``1e16 == 10000000000000000``, so values are compared with
their types: PostgreSQL's jsonb once turned floats written in exponent form into
ints (``set(1e308)`` read back an int; SQLite kept the float).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plughost.config import Config, connect
from plughost.config.convert import convert

_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**18), max_value=10**18)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from([1e16, 1e308, -1e308, 5e-324, 1.0, 0.1, 1e-05, 123456789.5e20])
    | _text
)
_json = st.recursive(
    _leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)
_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def typed(value: Any) -> Any:
    """``value`` with every leaf paired with its type, so 1 and 1.0 differ."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    return (type(value).__name__, value)


def _conf() -> Config:
    return Config.get_conf(None, identifier=7, cog_name="Types")


async def _write(values: list[Any]) -> None:
    conf = _conf()
    for n, value in enumerate(values):
        await conf.guild_from_id(n + 1).value.set(value)


async def _read(count: int) -> list[Any]:
    conf = _conf()
    return [await conf.guild_from_id(n + 1).value() for n in range(count)]


@_SETTINGS
@given(values=st.lists(_json, min_size=1, max_size=6))
async def test_values_keep_their_types_fresh_and_after_reopening(
    dsn: str, values: list[Any]
) -> None:
    async with connect(dsn) as store:
        await store.delete_prefix("")
        await _write(values)
        store.cache.clear()  # read what the database holds, not what we wrote
        assert typed(await _read(len(values))) == typed(values)
    async with connect(dsn):
        assert typed(await _read(len(values))) == typed(values)


@pytest.mark.postgres
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(_json, min_size=1, max_size=6))
async def test_values_keep_their_types_through_convert_there_and_back(
    pg_schema_dsn: str, tmp_path: Path, values: list[Any]
) -> None:
    first = f"sqlite:///{tmp_path / 'first.db'}"
    back = f"sqlite:///{tmp_path / 'back.db'}"
    async with connect(first) as store:
        await store.delete_prefix("")
        await _write(values)
    await convert(first, pg_schema_dsn, replace=True)
    async with connect(pg_schema_dsn):
        assert typed(await _read(len(values))) == typed(values)
    await convert(pg_schema_dsn, back, replace=True)
    async with connect(back):
        assert typed(await _read(len(values))) == typed(values)


async def test_the_reported_floats_stay_floats(dsn: str) -> None:
    """The issue's cases: set(1e308) and 1e16 read back as floats, after reopening too."""
    async with connect(dsn):
        await _write([1e308, 1e16, {"nested": [1e16, 2.5e-300]}])
    async with connect(dsn):
        assert typed(await _read(3)) == typed([1e308, 1e16, {"nested": [1e16, 2.5e-300]}])

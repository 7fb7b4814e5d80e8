"""Shared builders: a guild with ids that are easy to read in failures."""

from __future__ import annotations

from typing import Any

import pytest

from plughost.permissions.chain import PermissionChain
from plughost.permissions.decision import PermissionRequest
from plughost.permissions.levels import PrivilegeLevel
from plughost.permissions.requirement import Requirement
from plughost.permissions.state import PermissionState

GUILD = 100
OWNER = 1  # bot owner
GUILD_OWNER = 2
MEMBER = 300
CHANNEL = 200
THREAD_PARENT = 201
CATEGORY = 202
ROLE_HIGH = 11
ROLE_LOW = 12


def request(**overrides: Any) -> PermissionRequest:
    """A slash invocation of ``fun roll`` by MEMBER in CHANNEL of GUILD."""
    fields: dict[str, Any] = {
        "kind": "slash",
        "invoker_id": MEMBER,
        "guild_id": GUILD,
        "channel_id": CHANNEL,
        "parent_ids": (CATEGORY,),
        "role_ids": (ROLE_HIGH, ROLE_LOW, GUILD),
        "cog_name": "fun",
        "command_name": "fun roll",
        "guild_owner_id": GUILD_OWNER,
    }
    fields.update(overrides)
    return PermissionRequest(**fields)


def needs(level: PrivilegeLevel, **kw: Any) -> Requirement:
    return Requirement(level, **kw)


@pytest.fixture
def state() -> PermissionState:
    return PermissionState()


@pytest.fixture
def chain(state: PermissionState) -> PermissionChain:
    return PermissionChain(state, owner_ids={OWNER})

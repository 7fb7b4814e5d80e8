"""Channel permissions computed as Discord documents: guild-wide, then overwrites
for @everyone, then the member's roles together, then the member."""

from __future__ import annotations

from dataclasses import dataclass, field

from interactions import Permissions

from plughost.permissions.requests import _ALL, channel_permissions_of, guild_permissions_of

GUILD, MEMBER, OWNER, MOD_ROLE, MUTED_ROLE = 1, 2, 3, 10, 11
SEND = int(Permissions.SEND_MESSAGES)
VIEW = int(Permissions.VIEW_CHANNEL)
ADMIN = int(Permissions.ADMINISTRATOR)


@dataclass
class Role:
    id: int
    permissions: int
    position: int = 1


EVERYONE = Role(GUILD, SEND | VIEW, 0)


@dataclass
class Cache:
    """The one part of interactions.py's cache the computation reads."""

    role_cache: dict[int, Role]


@dataclass
class Client:
    cache: Cache


@dataclass
class Guild:
    id: int = GUILD
    _owner_id: int = OWNER
    _role_ids: frozenset[int] = frozenset({GUILD, MOD_ROLE, MUTED_ROLE})


@dataclass
class Member:
    id: int = MEMBER
    _guild_id: int = GUILD
    roles: list[Role] = field(default_factory=list)

    @property
    def _role_ids(self) -> list[int]:
        return [r.id for r in self.roles]

    @property
    def _client(self) -> Client:
        return Client(Cache({r.id: r for r in [EVERYONE, *self.roles]}))


@dataclass
class Overwrite:
    id: int
    allow: int = 0
    deny: int = 0


@dataclass
class Channel:
    permission_overwrites: list[Overwrite]


def channel_perms(member: Member, channel: Channel, guild: Guild | None = None) -> int:
    guild = guild or Guild()
    return channel_permissions_of(member, guild_permissions_of(member, guild), channel)


def test_owner_and_administrators_have_everything() -> None:
    locked = Channel([Overwrite(GUILD, deny=SEND | VIEW)])
    assert channel_perms(Member(id=OWNER), locked) == _ALL
    admin = Member(roles=[Role(MOD_ROLE, ADMIN)])
    assert channel_perms(admin, locked) == _ALL


def test_no_overwrites_means_guild_wide() -> None:
    assert channel_perms(Member(), Channel([])) == SEND | VIEW


def test_role_allow_beats_everyone_deny() -> None:
    channel = Channel([Overwrite(GUILD, deny=SEND), Overwrite(MOD_ROLE, allow=SEND)])
    assert channel_perms(Member(), channel) & SEND == 0
    assert channel_perms(Member(roles=[Role(MOD_ROLE, 0)]), channel) & SEND == SEND


def test_among_roles_allow_wins_whatever_the_order() -> None:
    for overwrites in (
        [Overwrite(MUTED_ROLE, deny=SEND), Overwrite(MOD_ROLE, allow=SEND)],
        [Overwrite(MOD_ROLE, allow=SEND), Overwrite(MUTED_ROLE, deny=SEND)],
    ):
        member = Member(roles=[Role(MUTED_ROLE, 0), Role(MOD_ROLE, 0)])
        assert channel_perms(member, Channel(overwrites)) & SEND == SEND


def test_member_overwrite_comes_last() -> None:
    channel = Channel([Overwrite(MOD_ROLE, allow=SEND), Overwrite(MEMBER, deny=SEND)])
    assert channel_perms(Member(roles=[Role(MOD_ROLE, 0)]), channel) & SEND == 0
    channel = Channel([Overwrite(GUILD, deny=VIEW), Overwrite(MEMBER, allow=VIEW)])
    assert channel_perms(Member(), channel) & VIEW == VIEW

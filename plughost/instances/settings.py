"""An instance's settings: the typed, validated form of its ``settings.json``."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Literal, TypeGuard, final, get_args

from plughost.instances.errors import InstanceError

__all__ = [
    "BACKENDS",
    "DEFAULT_MESSAGE_CACHE",
    "DEFAULT_REQUESTS_PER_SECOND",
    "SCHEMA_VERSION",
    "Backend",
    "Settings",
]

Backend = Literal["sqlite", "postgres"]
BACKENDS: tuple[Backend, ...] = get_args(Backend)

#: Version of the ``settings.json`` layout. Bump it when a field changes meaning or
#: goes away, and teach :meth:`Settings.from_json` to upgrade the older layouts.
SCHEMA_VERSION = 1

# Discord snowflakes are unsigned 64-bit integers.
_MAX_SNOWFLAKE = 2**64 - 1
_DSN_SCHEMES = ("postgres://", "postgresql://")
_FIELDS = ("schema_version", "backend", "dsn", "prefix", "owners", "token", "created_at")
#: Fields a ``settings.json`` may leave out (older files have none of them; each is
#: written only when set, or added later with a default, so older plughost versions
#: can still read the file).
_OPTIONAL = (
    "log_levels",
    "oauth_client_secret",
    "message_cache",
    "member_cache",
    "requests_per_second",
)
#: interactions.py's own bound on cached messages (its TTLCache's hard limit).
DEFAULT_MESSAGE_CACHE = 250
# More than any shard can use: 2,500 guilds (Discord's maximum per shard) of busy channels.
_MAX_CACHE = 100_000_000
#: interactions.py's own REST throttle per client, Discord's default global limit.
DEFAULT_REQUESTS_PER_SECOND = 45
# Far above any global limit Discord grants; past it the throttle means nothing anyway.
_MAX_REQUESTS_PER_SECOND = 1_000_000


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@final
@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """What an instance is configured with. Immutable; change it with ``dataclasses.replace``.

    Constructing one validates every field and raises :class:`InstanceError` naming
    the first bad one, so a ``Settings`` value is always a usable configuration.
    """

    backend: Backend = "sqlite"
    #: PostgreSQL DSN; always ``None`` for SQLite, whose file lives in the instance.
    dsn: str | None = None
    prefix: str = "!"
    #: Discord user ids with bot-owner rights, in the order they were added.
    owners: tuple[int, ...] = ()
    # repr=False: settings get logged and shown in tracebacks; the token must not be.
    token: str | None = dataclasses.field(default=None, repr=False)
    created_at: datetime = dataclasses.field(default_factory=_now)
    schema_version: int = SCHEMA_VERSION
    #: Logger name -> level name (``"plughost.cogs": "DEBUG"``; ``""`` is the root
    #: logger), applied when the bot starts; ``--log-level`` wins over them.
    log_levels: Mapping[str, str] = dataclasses.field(default_factory=dict)
    #: The Discord application's OAuth2 client secret, for the web console's "Login
    #: with Discord" (None: that login is off). Like the token, never shown or logged.
    oauth_client_secret: str | None = dataclasses.field(default=None, repr=False)
    #: Messages each shard keeps in interactions.py's message cache; at least one,
    #: since the prefixed manager reads a command's message from it. Only messages
    #: that may be commands, or that a cog listens to, are ever cached.
    message_cache: int = DEFAULT_MESSAGE_CACHE
    #: Members each shard keeps cached, least recently seen dropped first; None:
    #: every member it hears of (interactions.py's default).
    member_cache: int | None = None
    #: REST requests a second each shard's client sends at most (interactions.py's
    #: throttle): Discord's global limit, 45 unless Discord raised it for the bot.
    requests_per_second: int = DEFAULT_REQUESTS_PER_SECOND

    def __post_init__(self) -> None:
        # Type checks are done at runtime too: settings arrive from JSON, from the
        # CLI and from untyped callers, and a wrong type must fail here, not later
        # inside the bot.
        if self.backend not in BACKENDS:
            raise InstanceError(
                f"backend must be one of {', '.join(BACKENDS)}, not {self.backend!r}"
            )
        if self.backend == "sqlite" and self.dsn is not None:
            raise InstanceError("a dsn is only used by the postgres backend; leave it empty")
        if self.backend == "postgres" and (
            not isinstance(self.dsn, str) or not self.dsn.startswith(_DSN_SCHEMES)
        ):
            raise InstanceError(
                "the postgres backend needs a dsn like postgres://user@host:5432/dbname"
            )
        # Only the type: what makes a good prefix is plughost.commands.prefixes'
        # prefix_problem, the one rule the CLI, the runner and the chat command
        # apply (this layer sits below plughost.commands and cannot import it).
        if not isinstance(self.prefix, str):
            raise InstanceError(f"prefix must be a string, not {self.prefix!r}")
        if not isinstance(self.owners, tuple) or not all(_is_snowflake(o) for o in self.owners):
            raise InstanceError("owners must be Discord user ids (positive integers)")
        if self.token is not None and (
            not isinstance(self.token, str)
            or not self.token
            or not self.token.isprintable()
            or any(c.isspace() for c in self.token)
        ):
            # Never echo the value: it may be a real token with a typo in it.
            raise InstanceError("token must be a non-empty string without spaces")
        if self.oauth_client_secret is not None and (
            not isinstance(self.oauth_client_secret, str)
            or not self.oauth_client_secret
            or not self.oauth_client_secret.isprintable()
            or any(c.isspace() for c in self.oauth_client_secret)
        ):
            raise InstanceError("oauth_client_secret must be a non-empty string without spaces")
        if not isinstance(self.created_at, datetime) or self.created_at.tzinfo is None:
            raise InstanceError("created_at must be a timezone-aware date and time")
        if not _is_int(self.schema_version) or self.schema_version != SCHEMA_VERSION:
            raise InstanceError(f"schema_version must be {SCHEMA_VERSION}")
        if not isinstance(self.log_levels, Mapping) or not all(
            isinstance(name, str) and isinstance(level, str) and level in _LEVELS
            for name, level in self.log_levels.items()
        ):
            raise InstanceError(
                "log_levels must map logger names to levels like "
                '{"plughost.cogs": "DEBUG"} (DEBUG, INFO, WARNING, ERROR or CRITICAL)'
            )
        self._check_bounds()

    def _check_bounds(self) -> None:
        """The caches' sizes and the request rate: whole numbers within their ranges."""
        if not _is_int(self.message_cache) or not 1 <= self.message_cache <= _MAX_CACHE:
            raise InstanceError(f"message_cache must be a count from 1 to {_MAX_CACHE:,}")
        if self.member_cache is not None and (
            not _is_int(self.member_cache) or not 1 <= self.member_cache <= _MAX_CACHE
        ):
            raise InstanceError(
                f"member_cache must be a count from 1 to {_MAX_CACHE:,}, or empty for all"
            )
        if (
            not _is_int(self.requests_per_second)
            or not 1 <= self.requests_per_second <= _MAX_REQUESTS_PER_SECOND
        ):
            raise InstanceError(
                f"requests_per_second must be a rate from 1 to {_MAX_REQUESTS_PER_SECOND:,}"
            )

    def to_json(self) -> dict[str, object]:
        """The ``settings.json`` document (JSON-ready values, token included)."""
        document: dict[str, object] = {
            "schema_version": self.schema_version,
            "backend": self.backend,
            "dsn": self.dsn,
            "prefix": self.prefix,
            "owners": list(self.owners),
            "token": self.token,
            "created_at": self.created_at.isoformat(),
            "message_cache": self.message_cache,
            "member_cache": self.member_cache,
        }
        # Left out at Discord's default: plughost versions before the setting can read the file.
        if self.requests_per_second != DEFAULT_REQUESTS_PER_SECOND:
            document["requests_per_second"] = self.requests_per_second
        if self.log_levels:  # left out when empty: older plughost versions can read the file
            document["log_levels"] = dict(self.log_levels)
        if self.oauth_client_secret is not None:
            document["oauth_client_secret"] = self.oauth_client_secret
        return document

    def dumps(self) -> bytes:
        """``settings.json``'s bytes: indented, so an operator can read and diff it."""
        return (json.dumps(self.to_json(), indent=2) + "\n").encode()

    @classmethod
    def from_json(cls, document: object) -> Settings:
        """Parse a ``settings.json`` document; :class:`InstanceError` says what is wrong."""
        if not isinstance(document, dict):
            raise InstanceError("expected a JSON object")
        version = document.get("schema_version")
        if _is_int(version) and version > SCHEMA_VERSION:
            raise InstanceError(
                f"schema_version {version} is newer than this plughost understands "
                f"({SCHEMA_VERSION}); upgrade plughost"
            )
        missing = [f for f in _FIELDS if f not in document]
        if missing:
            raise InstanceError(f"missing field {missing[0]!r}")
        # Unknown keys are refused rather than ignored: a hand-edited "prefx" would
        # otherwise be silently dropped.
        unknown = sorted(set(document) - set(_FIELDS) - set(_OPTIONAL))
        if unknown:
            raise InstanceError(f"unknown field {unknown[0]!r}")
        owners = document["owners"]
        if not isinstance(owners, list):
            raise InstanceError("owners must be a list of Discord user ids")
        created = document["created_at"]
        try:
            created_at = datetime.fromisoformat(created) if isinstance(created, str) else None
        except ValueError:
            created_at = None
        if created_at is None:
            raise InstanceError("created_at must be an ISO 8601 date and time")
        return cls(
            backend=document["backend"],
            dsn=document["dsn"],
            prefix=document["prefix"],
            owners=tuple(owners),
            token=document["token"],
            created_at=created_at,
            schema_version=document["schema_version"],
            log_levels=document.get("log_levels", {}),
            oauth_client_secret=document.get("oauth_client_secret"),
            message_cache=document.get("message_cache", DEFAULT_MESSAGE_CACHE),
            member_cache=document.get("member_cache"),
            requests_per_second=document.get("requests_per_second", DEFAULT_REQUESTS_PER_SECOND),
        )

    @classmethod
    def loads(cls, data: bytes | str) -> Settings:
        """Parse ``settings.json``'s text."""
        try:
            document = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            # json's own message already says where: "Expecting ',' delimiter: line 3 column 5".
            raise InstanceError(f"invalid JSON: {exc}") from exc
        return cls.from_json(document)


#: The level names ``log_levels`` accepts (``plughost.runtime.logs.LEVEL_NAMES``).
_LEVELS = frozenset({"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})


def _is_int(value: object) -> TypeGuard[int]:
    # bool is an int subclass; `true` in JSON is not a user id or a version.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_snowflake(value: object) -> bool:
    return _is_int(value) and 0 < value <= _MAX_SNOWFLAKE

"""An instance's settings: the typed, validated form of its ``settings.json``."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Literal, TypeGuard, final, get_args

from plughost.instances.errors import InstanceError

__all__ = ["BACKENDS", "SCHEMA_VERSION", "Backend", "Settings"]

Backend = Literal["sqlite", "postgres"]
BACKENDS: tuple[Backend, ...] = get_args(Backend)

#: Version of the ``settings.json`` layout. Bump it when a field changes meaning or
#: goes away, and teach :meth:`Settings.from_json` to upgrade the older layouts.
SCHEMA_VERSION = 1

_MAX_PREFIX = 32
# Discord snowflakes are unsigned 64-bit integers.
_MAX_SNOWFLAKE = 2**64 - 1
_DSN_SCHEMES = ("postgres://", "postgresql://")
_FIELDS = ("schema_version", "backend", "dsn", "prefix", "owners", "token", "created_at")
#: Fields an older ``settings.json`` may lack (written only when set).
_OPTIONAL = ("oauth_client_secret",)


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
    #: The Discord application's OAuth2 client secret, for the web console's "Login
    #: with Discord" (None: that login is off). Like the token, never shown or logged.
    oauth_client_secret: str | None = dataclasses.field(default=None, repr=False)

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
        if (
            not isinstance(self.prefix, str)
            or not 0 < len(self.prefix) <= _MAX_PREFIX
            or not self.prefix.strip()
            or not self.prefix.isprintable()
        ):
            raise InstanceError(
                f"prefix must be 1 to {_MAX_PREFIX} printable characters, not {self.prefix!r}"
            )
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
        }
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
            oauth_client_secret=document.get("oauth_client_secret"),
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


def _is_int(value: object) -> TypeGuard[int]:
    # bool is an int subclass; `true` in JSON is not a user id or a version.
    return isinstance(value, int) and not isinstance(value, bool)


def _is_snowflake(value: object) -> bool:
    return _is_int(value) and 0 < value <= _MAX_SNOWFLAKE

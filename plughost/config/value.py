"""``Value``: one stored value, and the awaitable/``async with`` object its call returns."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from types import TracebackType
from typing import TYPE_CHECKING, Any

from plughost.config.backends.store import ConfigStore, RmwToken
from plughost.config.connection import current_store
from plughost.config.documents import (
    MISSING,
    copy_json,
    decode,
    encode,
    get_path,
    nest,
    normalise,
    plain_leaf,
)
from plughost.config.errors import ConfigLockTimeoutError
from plughost.config.keys import MAX_KEY_LENGTH, Category, encode_part, parts_under
from plughost.config.locks import LOCK_TIMEOUT, ValueLock

if TYPE_CHECKING:
    from plughost.config.config import Config

__all__ = ["Value", "ValueContext"]

_PLAIN = (str, int, bool, type(None))


def child_key(key: str, name: str) -> str:
    """The key one primary-key level down; ValueError if it grows too long."""
    key = key + encode_part(name)
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"config identifiers too long (over {MAX_KEY_LENGTH} characters)")
    return key


class Value:
    """A single value: call it to read, ``set`` it, ``clear`` it.

    Its address is a scope (``category``), its primary keys, and a path of
    attribute names inside the document. When fewer primary keys are given than
    the scope has (``all_members``, a partial custom identifier), the value spans
    several documents, and attribute names extend the primary keys instead.
    """

    # The named slots keep attribute reads fast; "__dict__" lets a test patch a
    # method on one value (`unittest.mock.patch.object(value, "set")`, as Red's own
    # test_ctxmgr_no_unnecessary_write and cog authors do). CPython allocates that
    # dict only when something is stored in it, so plain use pays nothing for it
    # (bench/config.py --quick, before and after: docs/config.md).
    __slots__ = ("__dict__", "_category", "_config", "_key", "_path", "_pkeys", "_whole", "default")

    def __init__(  # noqa: PLR0917 - built on every config access; positional is cheapest
        self,
        config: Config,
        category: Category,
        pkeys: tuple[str, ...],
        path: tuple[str, ...],
        key: str,
        default: Any = None,
        whole: bool | None = None,
    ) -> None:
        self._config = config
        self._category = category
        self._pkeys = pkeys
        self._path = path
        self._key = key
        #: The registered default (shared; reads hand out copies).
        self.default = default
        #: Inside one document (every primary key given), not spanning several.
        self._whole = len(pkeys) == category.pkey_len if whole is None else whole

    def __repr__(self) -> str:
        where = "/".join((self._category.name, *self._pkeys, *self._path))
        return f"<{type(self).__name__} {self._config.cog_name}:{where}>"

    @property
    def identifiers(self) -> tuple[str, ...]:
        """Primary keys then attribute path, as strings."""
        return self._pkeys + self._path

    def _address(self, names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        """Primary keys, path and key of the descendant reached through ``names``."""
        pkeys, path, key = self._pkeys, self._path, self._key
        room = self._category.pkey_len - len(pkeys)
        for name in names:
            if room > 0:
                pkeys += (name,)
                key = child_key(key, name)
                room -= 1
            else:
                path += (name,)
        return pkeys, path, key

    def get_lock(self) -> asyncio.Lock:
        """The ``asyncio.Lock`` for this value's path, as in Red (weakly cached).

        Keep a reference from acquire to release: another call may return a
        new lock once nothing references the old one.
        """
        return self._config._lock_for(self._category.name, self._pkeys + self._path)

    # -- reading ----------------------------------------------------------------

    async def _raw(self, *, fresh: bool = False) -> Any:
        """The stored value, shared with the cache (never mutate it), or MISSING."""
        store = current_store()
        if not self._whole:
            rows = await store.scan(self._key)
            if not rows:
                return MISSING
            # Scanned documents are freshly decoded: nobody else holds them.
            prefix = self._key
            return nest([(parts_under(prefix, key), doc) for key, doc in rows])
        if fresh:
            doc = await store.read_for_update(self._key)
        else:
            entry = store.cache.get(self._key)
            # On a miss, _load() directly: read() would look the key up (and
            # count the miss) a second time, one more coroutine frame too.
            doc = entry.value if entry is not None else await store._load(self._key)
        return get_path(doc, self._path) if self._path else doc

    async def _get(self, default: Any = ..., *, fresh: bool = False) -> Any:
        return self._result(await self._raw(fresh=fresh), default)

    def _result(self, raw: Any, default: Any) -> Any:
        """What a read returns for the stored ``raw`` (shared): a copy, or the default's."""
        if raw is MISSING:
            return copy_json(self.default if default is ... else default)
        return raw if type(raw) in _PLAIN else copy_json(raw)

    def __call__(self, default: Any = ..., *, acquire_lock: bool = True) -> ValueContext:
        """Read the value (``await``), or edit it in place (``async with``).

        ``default`` overrides the registered default. In ``async with``, the
        value must be a list or dict; it is written back on exit if it changed,
        while this value's lock and a per-document guard (across processes on
        PostgreSQL) keep other read-modify-writes of the document out.
        """
        return ValueContext(self, default, acquire_lock)

    # -- writing -----------------------------------------------------------------

    async def set(self, value: Any) -> None:
        """Store ``value`` (JSON-serialisable; ``TypeError`` before any write otherwise)."""
        text: str | None
        if plain_leaf(value):
            # A str/int/bool/None reads back as itself: nothing to encode yet
            # (the store encodes the document it goes into).
            obj, text = value, None
        else:
            text = encode(value)
            obj = decode(text)
        if self._whole:
            # One document (nearly every set): straight to the store, one
            # coroutine frame less than through _write (0-130 ns measured).
            await current_store().write(self._key, self._path, obj, text)
            return
        await self._write(current_store(), obj, text)

    def _own_set(self, obj: Any) -> bool:
        """Whether ``set(obj)`` is plughost's own, so that :meth:`_set_encoded` may stand in.

        False for a subclass's override and for a test's patch of this value's
        ``set`` (as Red's own tests and cog authors do), which then see the write.
        """
        return getattr(self.set, "__func__", None) is Value.set

    async def _set_encoded(self, obj: Any, text: str) -> None:
        """What ``set()`` does once it has encoded the value: ``obj`` is ``decode(text)``."""
        await self._write(current_store(), obj, text)

    async def _write(self, store: ConfigStore, obj: Any, text: str | None) -> None:
        if self._whole:
            await store.write(self._key, self._path, obj, text)
            return
        if text is None:
            text = encode(obj)  # not a dict: _split refuses it below
        depth = self._category.pkey_len - len(self._pkeys)
        docs: list[tuple[str, Any, str]] = []
        self._split(obj, depth, self._key, docs)
        await store.replace_prefix(self._key, docs)

    def _split(self, node: Any, depth: int, key: str, out: list[tuple[str, Any, str]]) -> None:
        if depth == 0:
            out.append((key, node, encode(node)))
            return
        if type(node) is not dict:
            raise ValueError(
                f"{self!r} spans several documents: it can only be set to a dict "
                f"nested {depth} level(s) deep, one level per missing identifier"
            )
        for name, child in node.items():
            self._split(child, depth - 1, child_key(key, name), out)

    async def clear(self) -> None:
        """Remove the stored value, so that reads return the default again."""
        store = current_store()
        if not self._whole:
            await store.delete_prefix(self._key)
        else:
            await store.delete(self._key, self._path)


class ValueContext:
    """What calling a ``Value`` returns: awaitable, and an async context manager."""

    __slots__ = (
        "_acquire_lock",
        "_default",
        "_lock",
        "_original",
        "_raw",
        "_store",
        "_token",
        "_value",
    )

    def __init__(self, value: Value, default: Any, acquire_lock: bool) -> None:
        # Only what a plain read needs: the rest is set by __aenter__.
        self._value = value
        self._default = default
        self._acquire_lock = acquire_lock

    def __await__(self) -> Generator[Any, None, Any]:
        # A generator, not a coroutine chain: a cached read (nearly every
        # read) returns without creating a coroutine, and a miss goes
        # straight to the store's _load, not through _get and _raw.
        value = self._value
        if value._whole:
            store = current_store()
            entry = store.cache.get(value._key)
            if entry is not None:
                doc = entry.value
            else:
                doc = yield from store._load(value._key).__await__()
            return value._result(get_path(doc, value._path) if value._path else doc, self._default)
        return (yield from value._get(self._default).__await__())

    async def __aenter__(self) -> Any:
        value = self._value
        store = current_store()
        lock = self._lock = value.get_lock() if self._acquire_lock else None
        names: tuple[str, ...] = ()
        if lock is not None:
            if store.shares_locks and isinstance(lock, ValueLock):
                # The value lock's cross-process part is taken with the
                # document's lock and read, in one call (one round trip).
                await lock.acquire_here()
                names = (lock.name,)
            else:
                await lock.acquire()
        try:
            token = await self._enter(store, names)
            try:
                if value._whole:
                    doc = token.document
                    raw = value._result(
                        get_path(doc, value._path) if value._path else doc, self._default
                    )
                else:
                    raw = await value._get(self._default, fresh=True)
                if not isinstance(raw, (list, dict)):
                    raise TypeError(
                        "Type of retrieved value must be mutable (i.e. list or dict) "
                        "in order to use a config value as a context manager."
                    )
                # What the block's value reads back as, to tell whether it changed: a
                # read is already stored JSON (registered defaults are normalised
                # too); a default given to this call may not be.
                self._original = copy_json(raw) if self._default is ... else normalise(raw)
            except BaseException:
                await store.exit_rmw(token)
                raise
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        self._store: ConfigStore = store
        self._token: RmwToken = token
        self._raw: Any = raw
        return raw

    async def _enter(self, store: ConfigStore, names: tuple[str, ...]) -> RmwToken:
        # A whole document is read with the locks (one round trip on PostgreSQL).
        value = self._value
        if not names:
            return await store.enter_rmw(value._key, read=value._whole)
        lock = self._lock
        timeout = lock.timeout if isinstance(lock, ValueLock) else LOCK_TIMEOUT
        try:
            async with asyncio.timeout(timeout):
                return await store.enter_rmw(value._key, read=value._whole, names=names)
        except TimeoutError:
            raise ConfigLockTimeoutError(names[0], timeout) from None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # As in Red, the block's changes are saved even when it raised.
        store, token = self._store, self._token
        try:
            try:
                text = encode(self._raw)
                obj = decode(text)
                if obj != self._original:
                    store.verify_rmw(token)
                    value = self._value
                    if value._own_set(obj):
                        await value._set_encoded(obj, text)  # set() would encode it again
                    else:
                        # Through the public set(), as Red does: a cog (or a test)
                        # that patches or overrides set() sees this write too.
                        await value.set(obj)
            finally:
                await store.exit_rmw(token)
        finally:
            if self._lock is not None:
                self._lock.release()

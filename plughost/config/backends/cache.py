"""The per-process document cache: bounded LRU, safe against racing reads.

Bound: at most ``max_documents`` documents (present or known-absent) are kept;
the least recently used one is dropped first. Documents with a write still in
flight (SQLite group commit) are pinned and never dropped. On PostgreSQL, an
entry lives until another process's NOTIFY drops it (about 1 ms after that
commit, measured here) or, while the listener is down, the cache is off and
every read goes to the database.

A read that misses takes a :class:`Ticket` before going to the database; any
change to that key while it is out (a local write, a NOTIFY, a flush) marks the
ticket, and the late result is then not cached, since it may already be stale.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Final

__all__ = ["DEFAULT_MAX_DOCUMENTS", "DocumentCache", "Entry", "Ticket"]

#: 100,000 documents: the issue's largest benchmark (100k guilds) stays cached.
#: A small settings document costs about 0.5 KB here, so ~50 MB at the bound.
DEFAULT_MAX_DOCUMENTS: Final = 100_000


class Entry:
    """One cached document: its decoded value (or ``MISSING``) and version."""

    __slots__ = ("pins", "value", "version")

    def __init__(self, value: Any, version: int) -> None:
        self.value = value
        self.version = version
        self.pins = 0


class Ticket:
    """An in-flight read or write of one key; ``stale`` once the key changed meanwhile.

    ``notified``: the version of the one NOTIFY that came while it was out, which
    may be the NOTIFY of this very write (a batch's NOTIFYs can overtake its
    rows); a second change, or one without a version, makes it stale.
    """

    __slots__ = ("key", "notified", "stale")

    def __init__(self, key: str) -> None:
        self.key = key
        self.stale = False
        self.notified: int | None = None


class DocumentCache:
    """Bounded LRU of decoded documents keyed by encoded document key."""

    __slots__ = (
        "_entries",
        "_tickets",
        "enabled",
        "hits",
        "lookup_observer",
        "max_documents",
        "misses",
    )

    def __init__(self, max_documents: int = DEFAULT_MAX_DOCUMENTS) -> None:
        if max_documents < 1:
            raise ValueError("the cache must hold at least one document")
        self.max_documents = max_documents
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._tickets: dict[str, Ticket | list[Ticket]] = {}
        self.enabled = True
        self.hits = 0
        self.misses = 0
        #: Told ``(key, hit)`` on every lookup when set from outside (``plughost.metrics``
        #: counts per cog); None costs one test per lookup.
        self.lookup_observer: Callable[[str, bool], None] | None = None

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            if self.lookup_observer is not None:
                self.lookup_observer(key, False)
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        if self.lookup_observer is not None:
            self.lookup_observer(key, True)
        return entry

    def peek(self, key: str) -> Entry | None:
        """Like :meth:`get` without touching LRU order or counters."""
        return self._entries.get(key)

    # -- tickets ---------------------------------------------------------------

    def begin(self, key: str) -> Ticket:
        ticket = Ticket(key)
        # One ticket per key (nearly always) is stored as itself, not in a list.
        waiting = self._tickets.get(key)
        if waiting is None:
            self._tickets[key] = ticket
        elif isinstance(waiting, list):
            waiting.append(ticket)
        else:
            self._tickets[key] = [waiting, ticket]
        return ticket

    def end(self, ticket: Ticket) -> None:
        tickets = self._tickets
        key = ticket.key
        waiting = tickets.get(key)
        if waiting is ticket:
            del tickets[key]
        elif isinstance(waiting, list) and ticket in waiting:
            waiting.remove(ticket)
            if not waiting:
                del tickets[key]

    def offer(self, ticket: Ticket, value: Any, version: int, *, written: bool = False) -> None:
        """Cache a database result, unless the key changed while it was out.

        ``written``: the result of this process's own write, which supersedes
        the cached entry; if the key changed meanwhile, the order of the two
        changes is unknown and the entry is dropped instead.
        """
        key = ticket.key
        if self._tickets.get(key) is ticket:  # end(), inlined for the common case
            del self._tickets[key]
        else:
            self.end(ticket)
        entries = self._entries
        if written:
            if ticket.stale or ticket.notified not in (None, version) or not self.enabled:
                entries.pop(key, None)
                return
            entry = entries.get(key)
            if entry is not None:
                if entry.version > version:
                    return  # a later write of ours already answered (versions only grow)
                entry.value = value
                entry.version = version
                entries.move_to_end(key)
                return
        elif ticket.stale or ticket.notified is not None or not self.enabled or key in entries:
            return
        entries[key] = Entry(value, version)
        if len(entries) > self.max_documents:
            self._evict()

    def _mark(self, key: str, version: int | None = None) -> None:
        waiting = self._tickets.get(key)
        if waiting is not None:
            for ticket in waiting if isinstance(waiting, list) else (waiting,):
                if version is not None and ticket.notified is None:
                    ticket.notified = version
                else:
                    ticket.stale = True

    # -- writes ------------------------------------------------------------------

    def put(self, key: str, value: Any, version: int) -> Entry | None:
        """Record a write made by this process (authoritative)."""
        self._mark(key)
        if not self.enabled:
            self._entries.pop(key, None)
            return None
        entry = self._entries.get(key)
        if entry is None:
            entry = Entry(value, version)
            self._insert(key, entry)
        else:
            entry.value = value
            entry.version = version
            self._entries.move_to_end(key)
        return entry

    def _insert(self, key: str, entry: Entry) -> None:
        entries = self._entries
        entries[key] = entry
        if len(entries) > self.max_documents:
            self._evict()

    def _evict(self) -> None:
        entries = self._entries
        excess = len(entries) - self.max_documents
        pinned: list[tuple[str, Entry]] = []
        while excess > 0 and entries:
            key, entry = entries.popitem(last=False)
            if entry.pins:
                pinned.append((key, entry))
            else:
                excess -= 1
        for key, entry in pinned:
            entries[key] = entry
            entries.move_to_end(key, last=False)

    def keys_under(self, prefix: str) -> list[str]:
        return [key for key in self._entries if key.startswith(prefix)]

    # -- invalidation --------------------------------------------------------------

    def invalidate(self, key: str, version: int | None = None) -> None:
        """Another writer changed ``key``: drop it unless it is that very write."""
        entry = self._entries.get(key)
        if version is not None and entry is not None and entry.version >= version:
            # What is cached is that write or a later one (versions only grow): a
            # late NOTIFY, often of this process's own write; nothing to drop, and
            # a read or write now out is not made stale by it.
            return
        self._mark(key, version)
        if entry is not None and (version is None or entry.version != version) and not entry.pins:
            del self._entries[key]

    def invalidate_prefix(self, prefix: str) -> None:
        """Drop every document whose key starts with ``prefix``."""
        for key in [k for k in self._entries if k.startswith(prefix)]:
            if not self._entries[key].pins:
                del self._entries[key]
        self.mark_prefix(prefix)

    def mark_prefix(self, prefix: str) -> None:
        """Every key under ``prefix`` changed: reads still out there must not be cached."""
        for key in self._tickets:
            if key.startswith(prefix):
                self._mark(key)

    def clear(self) -> None:
        """Forget everything not pinned (listener lost, or a bulk load)."""
        for key in [k for k, e in self._entries.items() if not e.pins]:
            del self._entries[key]
        for key in self._tickets:
            self._mark(key)

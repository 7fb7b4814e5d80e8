"""Pure functions on JSON documents: encoding, copying, merging defaults, paths.

Stored values are JSON. They are encoded here, once, so that a value that is
not JSON is refused (``TypeError``) before anything reaches a store, and so that
what is cached is exactly what a later read from the database would return
(dict keys become strings, tuples become lists).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, Final

__all__ = [
    "MISSING",
    "copy_json",
    "decode",
    "decode_many",
    "encode",
    "flat_immutable",
    "get_path",
    "merge_defaults",
    "merge_owned",
    "nest",
    "normalise",
    "plain_leaf",
    "remove_path",
    "set_path",
]


class _Missing:
    """Marker for "no document / no value here" (``None`` is a valid value)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final[Any] = _Missing()


def _not_json(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# The C encoder behind json.JSONEncoder(ensure_ascii=False, allow_nan=False,
# separators=(",", ":")).encode, built once: JSONEncoder.encode builds a new
# one on every call through two Python frames (1.44 -> 0.67 us for a
# three-key document, timeit). No circular-reference table (markers=None): a
# circular value hits the recursion limit instead, reported as TypeError too.
_c_make_encoder: Any = getattr(json.encoder, "c_make_encoder", None)
if _c_make_encoder is not None:
    _c_encode: Any = _c_make_encoder(
        None, _not_json, json.encoder.encode_basestring, None, ":", ",", False, False, False
    )
else:  # an interpreter without the C accelerator: the same settings, in Python
    _py_encoder = json.JSONEncoder(
        ensure_ascii=False,
        allow_nan=False,
        separators=(",", ":"),
        check_circular=False,
        default=_not_json,
    )

    def _c_encode(value: Any, _level: int) -> tuple[str]:
        return (_py_encoder.encode(value),)


def _encode(value: Any) -> str:
    """The JSON text of ``value``, unchecked (NUL, surrogates): :func:`encode` checks."""
    return "".join(_c_encode(value, 0))


# The C scanner behind json.loads (untyped in typeshed).
_scan_once: Any = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def decode(text: str) -> Any:
    """Decode JSON text that this package wrote or the database returned.

    Calls the C scanner directly, skipping ``json.loads``' argument checks and
    whitespace handling: measured 2.4x faster on 10,000 small documents, which
    is most of ``all_members`` after the SQL itself.
    """
    try:
        return _scan_once(text, 0)[0]
    except StopIteration:
        raise ValueError(f"not JSON: {text[:40]!r}") from None


def decode_many(texts: list[str]) -> list[Any] | None:
    """Decode many JSON texts in one scanner call, or None if one is not JSON.

    The texts are decoded as one JSON array (``[t1,t2,...]``): one C call
    instead of one per text, 3.1 -> 1.7 ms for 10,000 small documents (timeit).
    A text that is not a complete JSON value fails the parse or changes the
    count or the end position, and the caller then decodes text by text.
    """
    joined = "[" + ",".join(texts) + "]"
    try:
        values, end = _scan_once(joined, 0)
    except (StopIteration, ValueError):
        return None
    if end != len(joined) or type(values) is not list or len(values) != len(texts):
        return None
    return values


#: Leaf types whose JSON round trip is the identity; they skip encode/decode.
_PLAIN: Final = frozenset({str, int, bool, type(None)})


_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


def _stored_key(key: Any) -> str:
    """The JSON object key that the encoder writes for ``key``."""
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, float):
        return float.__repr__(key)
    return str(key)


def _check_keys(value: Any) -> None:
    """Refuse a dict whose keys collide once stored as strings (``{1: "a", "1": "b"}``):
    the encoder would write both, and one would silently be lost."""
    if type(value) is dict:
        only_strings = True
        for key, item in value.items():
            if type(key) is not str:
                only_strings = False
            if type(item) in _CONTAINERS:
                _check_keys(item)
        if not only_strings and len({_stored_key(k) for k in value}) != len(value):
            seen: dict[str, Any] = {}
            for key in value:
                if (stored := _stored_key(key)) in seen:
                    raise ValueError(
                        f"config dict keys {seen[stored]!r} and {key!r} would both be "
                        f"stored as {stored!r}: keys are stored as strings"
                    )
                seen[stored] = key
    else:
        for item in value:
            if type(item) in _CONTAINERS:
                _check_keys(item)


_CONTAINERS: Final = frozenset({dict, list, tuple})


def encode(value: Any) -> str:
    """JSON text for ``value``; ``TypeError`` if it is not JSON-serialisable,
    ``ValueError`` if it holds what storage cannot keep exactly (NUL, lone
    surrogates, dict keys that collide as strings)."""
    try:
        text = "".join(_c_encode(value, 0))
    except (ValueError, TypeError) as exc:  # NaN / Infinity, a non-JSON type or key
        raise TypeError(f"config values must be JSON-serialisable: {exc}") from None
    except RecursionError:
        raise TypeError(
            "config values must be JSON-serialisable: circular reference or nested too deep"
        ) from None
    if type(value) in _CONTAINERS:
        _check_keys(value)
    # PostgreSQL's jsonb cannot hold U+0000; refuse it on every backend alike.
    if "\\u0000" in text and _NUL.search(text):
        raise ValueError("config strings cannot contain NUL (U+0000) characters")
    if not text.isascii():
        # A lone surrogate (U+D800-U+DFFF) is no UTF-8: the database refused
        # it at commit, failing every write of its group-commit batch.
        try:
            text.encode()
        except UnicodeEncodeError:
            raise ValueError("config strings cannot contain lone surrogates") from None
    return text


#: ints up to this size (18 digits) always encode; str() refuses over 4,300.
_INT_BOUND: Final = 10**18


def plain_leaf(value: Any) -> bool:
    """True for a str, small int, bool or None that :func:`encode` would accept.

    Such a value reads back as itself, so a write can skip encoding it (the
    document it goes into is encoded anyway). Raises what :func:`encode`
    raises for a str it refuses; False for anything else (encode it).
    """
    kind = type(value)
    if kind is str:
        if "\x00" in value:
            raise ValueError("config strings cannot contain NUL (U+0000) characters")
        if not value.isascii():
            try:
                value.encode()
            except UnicodeEncodeError:
                raise ValueError("config strings cannot contain lone surrogates") from None
        return True
    if kind is int:
        return -_INT_BOUND < value < _INT_BOUND  # type: ignore[no-any-return]
    return kind is bool or value is None


def normalise(value: Any) -> Any:
    """The value as it reads back from storage (str keys, lists for tuples)."""
    if type(value) in _PLAIN:
        return value
    return decode(encode(value))


def copy_json(value: Any) -> Any:
    """A deep copy of a decoded JSON tree, several times faster than ``copy.deepcopy``."""
    kind = type(value)
    if kind is dict:
        return {k: (copy_json(v) if type(v) in (dict, list) else v) for k, v in value.items()}
    if kind is list:
        return [(copy_json(v) if type(v) in (dict, list) else v) for v in value]
    return value


def merge_defaults(defaults: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """A new dict: ``defaults`` with ``stored`` deep-merged over it (neither is modified).

    Nested dicts merge key by key; any other stored value replaces the default.
    Registered keys come first, in registration order, then stored-only keys.
    """
    out: dict[str, Any] = {}
    for key, default in defaults.items():
        if key in stored:
            value = stored[key]
            if type(value) is dict and type(default) is dict:
                out[key] = merge_defaults(default, value)
            else:
                out[key] = copy_json(value)
        else:
            out[key] = copy_json(default)
    for key, value in stored.items():
        if key not in defaults:
            out[key] = copy_json(value)
    return out


def merge_owned(defaults: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """Like :func:`merge_defaults`, for a ``stored`` dict the caller owns (freshly decoded).

    Stored values are used as they are, not copied; only defaults are copied.
    """
    out: dict[str, Any] = {}
    for key, default in defaults.items():
        if key in stored:
            value = stored[key]
            if type(value) is dict and type(default) is dict:
                out[key] = merge_owned(default, value)
            else:
                out[key] = value
        else:
            out[key] = copy_json(default) if type(default) in (dict, list) else default
    for key, value in stored.items():
        if key not in defaults:
            out[key] = value
    return out


def flat_immutable(defaults: dict[str, Any]) -> bool:
    """True when no default is a dict or list: merging is then ``{**defaults, **stored}``."""
    return all(type(value) not in (dict, list) for value in defaults.values())


def get_path(doc: Any, path: tuple[str, ...]) -> Any:
    """The value at ``path`` inside ``doc`` (not copied), or ``MISSING``."""
    node = doc
    for name in path:
        if type(node) is not dict:
            return MISSING
        node = node.get(name, MISSING)
        if node is MISSING:
            return MISSING
    return node


def set_path(doc: Any, path: tuple[str, ...], value: Any) -> Any:
    """Return ``doc`` with ``value`` at ``path``, creating dicts on the way.

    Modifies ``doc`` in place where it already is a dict (callers own it); a
    non-dict on the way is replaced by a dict, as the PostgreSQL store does.
    """
    if not path:
        return value
    root = doc if type(doc) is dict else {}
    node = root
    for name in path[:-1]:
        child = node.get(name)
        if type(child) is not dict:
            child = {}
            node[name] = child
        node = child
    node[path[-1]] = value
    return root


def remove_path(doc: Any, path: tuple[str, ...]) -> bool:
    """Delete the value at ``path`` in place; whether anything was there."""
    node = get_path(doc, path[:-1])
    if type(node) is not dict or path[-1] not in node:
        return False
    del node[path[-1]]
    return True


def nest(rows: Iterable[tuple[tuple[str, ...], Any]]) -> dict[str, Any]:
    """Build ``{k1: {k2: doc}}`` from ``((k1, k2), doc)`` rows (docs are used as they are)."""
    out: dict[str, Any] = {}
    for keys, doc in rows:
        node = out
        for name in keys[:-1]:
            node = node.setdefault(name, {})
        node[keys[-1]] = doc
    return out

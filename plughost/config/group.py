"""``Group``: a value made of named values (a document, or a dict inside one)."""

from __future__ import annotations

import operator
from typing import TYPE_CHECKING, Any

from plughost.config.documents import MISSING, copy_json, merge_defaults
from plughost.config.keys import Category, identifier
from plughost.config.value import Value, ValueContext

if TYPE_CHECKING:
    from plughost.config.config import Config

__all__ = ["Group", "add_attribute_names"]


class Group(Value):
    """Attribute access gives child ``Group``/``Value`` objects; reads mix in defaults."""

    __slots__ = ("_children", "_defaults", "force_registration")

    def __init__(  # noqa: PLR0917 - built on every config access; positional is cheapest
        self,
        config: Config,
        category: Category,
        pkeys: tuple[str, ...],
        path: tuple[str, ...],
        key: str,
        defaults: dict[str, Any],
        force_registration: bool = False,
        whole: bool | None = None,
    ) -> None:
        # Value.__init__ inlined: a group is built on every config access.
        self._config = config
        self._category = category
        self._pkeys = pkeys
        self._path = path
        self._key = key
        self.default = defaults
        self._whole = len(pkeys) == category.pkey_len if whole is None else whole
        self._defaults = defaults
        self.force_registration = force_registration
        #: Children by registered name, when this group is itself kept (Config._groups).
        self._children: dict[str, Value] | None = None

    @property
    def defaults(self) -> dict[str, Any]:
        """A copy of the registered defaults of this group."""
        return copy_json(self._defaults)  # type: ignore[no-any-return]

    # -- children ------------------------------------------------------------------

    def __getattr__(self, item: str) -> Value:
        if item.startswith("__") and item.endswith("__"):
            # copy, pickle and friends probe for dunders; they are never config keys.
            raise AttributeError(item)
        return self._child(item)

    def _child(self, item: str) -> Value:
        children = self._children
        if children is not None:
            known = children.get(item)
            if known is not None:
                return known
        default = self._defaults.get(item, MISSING)
        if default is MISSING and self.force_registration:
            raise AttributeError(f"'{item}' is not a valid registered Group or value.")
        if self._whole:
            # Inside one document (nearly every access): the name extends the path.
            pkeys, path, key, whole = self._pkeys, (*self._path, item), self._key, True
        else:
            pkeys, path, key = self._address((item,))
            whole = None
        child: Value
        if type(default) is dict:
            child = Group(
                self._config,
                self._category,
                pkeys,
                path,
                key,
                default,
                self.force_registration,
                whole,
            )
            if children is not None:
                child._children = {}  # kept below, so it keeps its own children too
        else:
            child = Value(
                self._config,
                self._category,
                pkeys,
                path,
                key,
                None if default is MISSING else default,
                whole,
            )
        # Registered names only: they are few, while get_attr() may see any name.
        if children is not None and default is not MISSING:
            children[item] = child
        return child

    def get_attr(self, item: str | int) -> Value:
        """The child named ``item`` (for names known only at run time)."""
        return self._child(str(item))

    def is_group(self, item: Any) -> bool:
        return type(self._defaults.get(str(item))) is dict

    def is_value(self, item: Any) -> bool:
        key = str(item)
        return key in self._defaults and type(self._defaults[key]) is not dict

    # -- reading -------------------------------------------------------------------

    def _result(self, raw: Any, default: Any) -> Any:
        defaults = self._defaults if default is ... else default
        if raw is MISSING:
            return copy_json(defaults)
        if type(raw) is dict and type(defaults) is dict:
            return merge_defaults(defaults, raw)
        return copy_json(raw)

    def all(self, *, acquire_lock: bool = True) -> ValueContext:
        """Everything in this group, registered defaults mixed in (awaitable, or ``async with``)."""
        return self(acquire_lock=acquire_lock)

    def nested_update(self, current: dict[str, Any], defaults: Any = ...) -> dict[str, Any]:
        """``current`` deep-merged over ``defaults`` (this group's by default), as a new dict."""
        return merge_defaults(self._defaults if defaults is ... else defaults, current)

    async def get_raw(self, *nested_path: Any, default: Any = ...) -> Any:
        """The value at ``nested_path`` (each part cast to str), like nested dict access.

        Registered defaults apply; ``KeyError`` when nothing is stored or
        registered there and no ``default`` is given.
        """
        path = tuple(identifier(p) for p in nested_path)
        if default is ...:
            candidate: Any = self._defaults
            for name in path:
                if type(candidate) is not dict or name not in candidate:
                    break
                candidate = candidate[name]
            else:
                default = candidate
        pkeys, inner, key = self._address(path)
        raw = await Value(self._config, self._category, pkeys, inner, key)._raw()
        if raw is MISSING:
            if default is ...:
                raise KeyError(path[-1] if path else self._key)
            return copy_json(default)
        if type(default) is dict and type(raw) is dict:
            return merge_defaults(default, raw)
        return copy_json(raw)

    async def set_raw(self, *nested_path: Any, value: Any) -> None:
        """Store ``value`` at ``nested_path`` (each part cast to str)."""
        pkeys, inner, key = self._address(tuple(identifier(p) for p in nested_path))
        await Value(self._config, self._category, pkeys, inner, key).set(value)

    async def clear_raw(self, *nested_path: Any) -> None:
        """Remove whatever is stored at ``nested_path`` (each part cast to str)."""
        pkeys, inner, key = self._address(tuple(identifier(p) for p in nested_path))
        await Value(self._config, self._category, pkeys, inner, key).clear()

    # -- writing ------------------------------------------------------------------

    def _own_set(self, obj: Any) -> bool:
        return type(obj) is dict and getattr(self.set, "__func__", None) is Group.set

    async def set(self, value: Any) -> None:
        """Replace this whole group; ``value`` must be a dict."""
        if not isinstance(value, dict):
            raise ValueError("You may only set the value of a group to be a dict.")
        await super().set(value)


def add_attribute_names(defaults: dict[str, Any]) -> None:
    """Let ``group.<name>`` find every registered name in ``defaults`` on the class.

    A name the class does not define reaches ``Group.__getattr__`` only after
    CPython 3.11 has built and thrown away an ``AttributeError`` (~0.5 us;
    a whole cached read is ~1.4 us now). A class property running ``self._child(name)``
    is found at once and does exactly what ``__getattr__`` does, so adding
    one for any registered name (of any cog) changes nothing but speed. Names
    the class already has (``set``, ``all``, ...) keep their meaning, as in Red.
    """
    for name, value in defaults.items():
        if name not in _PROPERTY_NAMES and not hasattr(Group, name):
            setattr(Group, name, property(operator.methodcaller("_child", name)))
            _PROPERTY_NAMES.add(name)
        if type(value) is dict:
            add_attribute_names(value)


#: Names given a class property by :func:`add_attribute_names`.
_PROPERTY_NAMES: set[str] = set()

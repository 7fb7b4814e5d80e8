"""``Group``: a value made of named values (a document, or a dict inside one)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plughost.config.documents import MISSING, copy_json, merge_defaults
from plughost.config.keys import Category
from plughost.config.value import Value, ValueContext

if TYPE_CHECKING:
    from plughost.config.config import Config

__all__ = ["Group"]


class Group(Value):
    """Attribute access gives child ``Group``/``Value`` objects; reads mix in defaults."""

    __slots__ = ("_defaults", "force_registration")

    def __init__(  # noqa: PLR0917 - built on every config access; positional is cheapest
        self,
        config: Config,
        category: Category,
        pkeys: tuple[str, ...],
        path: tuple[str, ...],
        key: str,
        defaults: dict[str, Any],
        force_registration: bool = False,
    ) -> None:
        super().__init__(config, category, pkeys, path, key, defaults)
        self._defaults = defaults
        self.force_registration = force_registration

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
        default = self._defaults.get(item, MISSING)
        if default is MISSING and self.force_registration:
            raise AttributeError(f"'{item}' is not a valid registered Group or value.")
        pkeys, path, key = self._address((item,))
        if type(default) is dict:
            return Group(
                self._config, self._category, pkeys, path, key, default, self.force_registration
            )
        return Value(
            self._config, self._category, pkeys, path, key, None if default is MISSING else default
        )

    def get_attr(self, item: str | int) -> Value:
        """The child named ``item`` (for names known only at run time)."""
        return self._child(str(item))

    def is_group(self, item: Any) -> bool:
        return type(self._defaults.get(str(item))) is dict

    def is_value(self, item: Any) -> bool:
        key = str(item)
        return key in self._defaults and type(self._defaults[key]) is not dict

    # -- reading -------------------------------------------------------------------

    async def _get(self, default: Any = ..., *, fresh: bool = False) -> Any:
        defaults = self._defaults if default is ... else default
        raw = await self._raw(fresh=fresh)
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
        path = tuple(str(p) for p in nested_path)
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
        pkeys, inner, key = self._address(tuple(str(p) for p in nested_path))
        await Value(self._config, self._category, pkeys, inner, key).set(value)

    async def clear_raw(self, *nested_path: Any) -> None:
        """Remove whatever is stored at ``nested_path`` (each part cast to str)."""
        pkeys, inner, key = self._address(tuple(str(p) for p in nested_path))
        await Value(self._config, self._category, pkeys, inner, key).clear()

    # -- writing ------------------------------------------------------------------

    async def set(self, value: Any) -> None:
        """Replace this whole group; ``value`` must be a dict."""
        if not isinstance(value, dict):
            raise ValueError("You may only set the value of a group to be a dict.")
        await super().set(value)

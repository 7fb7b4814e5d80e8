"""Services: objects a cog offers other cogs, obtained by name and checked against a type.

A provider declares ``provides = {"bank": "bank"}`` (service name -> the
attribute holding the object, read once its ``cog_load`` has returned); a user
asks ``bot.cogs.service("bank", Bank)``, where ``Bank`` is a class or a
``@runtime_checkable`` Protocol of its own. So a cog never imports another cog's
module: the name is the contract, the Protocol says which part of it the user
relies on, and mypy types the result.

The registry holds the provider's *current* instance: after a reload a lookup
returns the new instance's object, and the ``service_provided`` and
``service_withdrawn`` hooks tell cogs that keep a reference when to take the new
one or drop it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar, final

if TYPE_CHECKING:
    from plughost.cogs.cog import Cog

__all__ = ["ServiceUnavailable", "Services", "offered_by"]

_T = TypeVar("_T")


class ServiceUnavailable(LookupError):
    """No loaded cog provides the service, or it is not of the type asked for."""


def offered_by(cog: Cog) -> dict[str, object]:
    """The services ``cog`` offers (name -> object); ValueError naming a missing attribute."""
    offered: dict[str, object] = {}
    for service, attribute in type(cog).provides.items():
        try:
            offered[service] = getattr(cog, attribute)
        except AttributeError:
            raise ValueError(
                f"provides the service {service!r} as self.{attribute}, "
                "which is not set once cog_load has returned"
            ) from None
    return offered


@final
class Services:
    """The services the loaded cogs of one bot offer (``bot.cogs.services``)."""

    __slots__ = ("_offered",)

    def __init__(self) -> None:
        self._offered: dict[str, tuple[str, object]] = {}  # service -> (cog, object)

    def conflicts(self, cog: str, offered: dict[str, object]) -> list[str]:
        """Why ``cog`` may not offer ``offered``: services another loaded cog provides."""
        return [
            f"the service {name!r} is already provided by {self._offered[name][0]}"
            for name in offered
            if name in self._offered and self._offered[name][0] != cog
        ]

    def put(self, cog: str, offered: dict[str, object]) -> list[str]:
        """Make ``offered`` the services of ``cog`` (replacing its previous instance's)."""
        self.withdraw(cog)
        for name, obj in offered.items():
            self._offered[name] = (cog, obj)
        return sorted(offered)

    def withdraw(self, cog: str) -> list[str]:
        """Forget the services of ``cog``; returns their names."""
        names = sorted(n for n, (owner, _) in self._offered.items() if owner == cog)
        for name in names:
            del self._offered[name]
        return names

    def provider(self, name: str) -> str | None:
        """The cog providing the service ``name``, if one is loaded."""
        entry = self._offered.get(name)
        return entry[0] if entry is not None else None

    def names(self, cog: str) -> list[str]:
        return sorted(n for n, (owner, _) in self._offered.items() if owner == cog)

    def get(self, name: str, kind: type[_T]) -> _T:
        """The service ``name``, checked to be a ``kind``; :class:`ServiceUnavailable` if not."""
        entry = self._offered.get(name)
        if entry is None:
            raise ServiceUnavailable(f"no loaded cog provides the service {name!r}")
        cog, found = entry
        try:
            if isinstance(found, kind):
                return found
        except TypeError:  # a Protocol without @runtime_checkable
            raise TypeError(
                f"{kind.__name__} cannot be checked at run time: "
                "mark the Protocol @typing.runtime_checkable"
            ) from None
        raise ServiceUnavailable(
            f"the service {name!r} of the cog {cog} is a {type(found).__name__}, "
            f"which is not a {kind.__name__}"
        )

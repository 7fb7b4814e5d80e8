"""Where the web console listens: ``HOST:PORT``, loopback unless asked otherwise."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Final, final

from plughost.metrics.address import DEFAULT_HOST, parse_address

__all__ = ["DEFAULT_PORT", "AddressError", "WebAddress"]

DEFAULT_PORT: Final = 8470


class AddressError(ValueError):
    """A ``--web`` value that cannot be used; the message is for the terminal."""


def _names_port(text: str) -> bool:
    """Whether ``text`` has a port: ``8470``, ``host:8470``, ``[::1]:8470`` (an IPv6
    host without brackets, ``::1``, is a host alone)."""
    if text.startswith("["):
        return "]:" in text
    return text.isdigit() or text.count(":") == 1


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


@final
@dataclass(frozen=True, slots=True)
class WebAddress:
    """A listening address. Anything but loopback must be asked for (``public=True``):
    a console bound to 0.0.0.0 by default is how other dashboards leaked their bots."""

    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT

    @classmethod
    def parse(cls, text: str, *, public: bool = False) -> WebAddress:
        """``127.0.0.1:8470``, ``:8470``, ``8470``, ``localhost`` or ``[::1]:8470``.

        ``--metrics``' parser reads it (one grammar for both options); what the
        console adds is its default port, for a host alone, and the loopback rule.
        """
        text = text.strip()
        if not _names_port(text):
            host = text.removeprefix("[").removesuffix("]")
            text = f"[{host}]:{DEFAULT_PORT}" if ":" in host else f"{host}:{DEFAULT_PORT}"
        try:
            parsed = parse_address(text)
        except ValueError as exc:
            raise AddressError(str(exc)) from None
        if not public and not _is_loopback(parsed.host):
            raise AddressError(
                f"{parsed.host} is not a loopback address: the console would be reachable "
                "from other machines; add --web-public if that is what you want"
            )
        return cls(parsed.host, parsed.port)

    @property
    def loopback(self) -> bool:
        return _is_loopback(self.host)

    def url(self, port: int | None = None) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port if port is None else port}"

"""Where the web console listens: ``HOST:PORT``, loopback unless asked otherwise."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Final, final

__all__ = ["DEFAULT_PORT", "AddressError", "WebAddress"]

DEFAULT_PORT: Final = 8470


class AddressError(ValueError):
    """A ``--web`` value that cannot be used; the message is for the terminal."""


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

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT

    @classmethod
    def parse(cls, text: str, *, public: bool = False) -> WebAddress:
        """``127.0.0.1:8470``, ``:8470``, ``8470``, ``localhost`` or ``[::1]:8470``."""
        text = text.strip()
        if text.isdigit():
            host, port_text = "", text
        elif text.startswith("["):
            host, sep, rest = text[1:].partition("]")
            port_text = rest.removeprefix(":") if sep else ""
        elif text.count(":") == 1:
            host, _, port_text = text.partition(":")
        else:
            host, port_text = text, ""
        host = host or "127.0.0.1"
        if port_text and not port_text.isdigit():
            raise AddressError(f"{text!r} is not HOST:PORT (the port must be a number)")
        port = int(port_text) if port_text else DEFAULT_PORT
        if not 0 <= port <= 65_535:
            raise AddressError(f"port {port} is out of range")
        if not public and not _is_loopback(host):
            raise AddressError(
                f"{host} is not a loopback address: the console would be reachable from "
                "other machines; add --web-public if that is what you want"
            )
        return cls(host, port)

    @property
    def loopback(self) -> bool:
        return _is_loopback(self.host)

    def url(self, port: int | None = None) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port if port is None else port}"

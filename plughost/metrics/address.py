"""``--metrics HOST:PORT``: where a process serves its metrics and health checks.

Loopback unless the operator names another host: the endpoints carry no secrets,
but they describe the bot, and an orchestrator's probe runs on the same host or
network namespace anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, final

__all__ = ["DEFAULT_HOST", "MetricsAddress", "parse_address"]

#: The host a bare ``--metrics PORT`` binds to.
DEFAULT_HOST: Final = "127.0.0.1"


@final
@dataclass(frozen=True, slots=True)
class MetricsAddress:
    """A host and TCP port to listen on (port 0: any free port)."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def parse_address(text: str) -> MetricsAddress:
    """``"9100"``, ``"127.0.0.1:9100"``, ``"0.0.0.0:9100"`` or ``"[::1]:9100"``.

    Raises ValueError with a one-line reason for anything else.
    """
    text = text.strip()
    host, sep, port_text = text.rpartition(":")
    if not sep:
        host, port_text = DEFAULT_HOST, text
    elif host.startswith("["):
        if not host.endswith("]") or len(host) < 3:
            raise ValueError(
                f"{text!r} is not HOST:PORT (an IPv6 host goes in brackets: [::1]:9100)"
            )
        host = host[1:-1]
    elif ":" in host:
        raise ValueError(f"{text!r}: write an IPv6 host in brackets, e.g. [::1]:9100")
    if not host:
        host = DEFAULT_HOST
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65_535:
        raise ValueError(f"{text!r}: the port must be a number from 0 to 65535")
    return MetricsAddress(host, int(port_text))

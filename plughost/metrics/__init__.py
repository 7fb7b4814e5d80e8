"""Prometheus metrics and health checks of one plughost process.

``plughost run NAME --metrics HOST:PORT`` (and ``plughost console``) serve
``/metrics``, ``/healthz`` and ``/readyz`` through :func:`serve_metrics` (that is,
:func:`observing` and :func:`listening`); another aiohttp server (the web console)
mounts the same endpoints with :func:`metrics_routes`. See ``docs/metrics.md``.

Only the address parser is imported eagerly: the CLI reads ``--metrics`` for
every ``run``, and the rest pulls in interactions.py and prometheus-client
(PEP 562, as ``plughost/__init__.py`` does).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Final

from plughost.metrics.address import DEFAULT_HOST, MetricsAddress, parse_address

if TYPE_CHECKING:
    from plughost.metrics.endpoint import Health, MetricsEndpoint, Readiness
    from plughost.metrics.routes import listening, metrics_routes, observing, serve_metrics

__all__ = [
    "DEFAULT_HOST",
    "Health",
    "MetricsAddress",
    "MetricsEndpoint",
    "Readiness",
    "listening",
    "metrics_routes",
    "observing",
    "parse_address",
    "serve_metrics",
]

_LAZY: Final = {
    "Health": "plughost.metrics.endpoint",
    "MetricsEndpoint": "plughost.metrics.endpoint",
    "Readiness": "plughost.metrics.endpoint",
    "listening": "plughost.metrics.routes",
    "metrics_routes": "plughost.metrics.routes",
    "observing": "plughost.metrics.routes",
    "serve_metrics": "plughost.metrics.routes",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'plughost.metrics' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value

"""What ``ping`` says about latency."""

from __future__ import annotations

import math

from plughost.core.messages import _

__all__ = ["describe_latency"]


def describe_latency(seconds: float) -> str:
    """Gateway latency for people: milliseconds, or why there is no figure yet."""
    if math.isinf(seconds) or math.isnan(seconds):
        return _("gateway latency not measured yet")
    return _("gateway latency {ms} ms").format(ms=f"{seconds * 1000:.1f}")

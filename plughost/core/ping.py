"""What ``ping`` says about latency."""

from __future__ import annotations

import math

__all__ = ["describe_latency"]


def describe_latency(seconds: float) -> str:
    """Gateway latency for people: milliseconds, or why there is no figure yet."""
    if math.isinf(seconds) or math.isnan(seconds):
        return "gateway latency not measured yet"
    return f"gateway latency {seconds * 1000:.1f} ms"

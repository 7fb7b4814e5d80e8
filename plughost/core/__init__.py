"""plughost's built-in cogs."""

from plughost.core.core import Core

__all__ = ["Core"]

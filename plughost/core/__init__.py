"""plughost's built-in commands."""

from plughost.core.ping import Core

__all__ = ["Core"]

"""plughost: a Discord bot runtime whose every feature is a pip-installable cog."""

from plughost._version import __version__

__all__ = sorted(["__version__"])

"""The ``plughost`` command: a click group, one module per command family."""

from plughost.cli.main import TOKEN_ENV, cli, main

__all__ = ["TOKEN_ENV", "cli", "main"]

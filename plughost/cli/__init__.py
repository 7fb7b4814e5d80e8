"""The ``plughost`` command: a click group, one module per command family.

:mod:`plughost.cli.main` holds the root group and attaches every family's commands
to it; :mod:`plughost.cli.options` holds the options several families share.
"""

from plughost.cli.main import cli, main
from plughost.cli.options import TOKEN_ENV

__all__ = ["TOKEN_ENV", "cli", "main"]

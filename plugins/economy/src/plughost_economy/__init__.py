"""plughost-economy: a bank for plughost bots, and the example economy cog.

The cog class is what the ``economy`` entry point names; the bank logic it uses
lives in :mod:`plughost_economy.bank`.
"""

from plughost_economy.cog import Economy

__all__ = ["Economy"]

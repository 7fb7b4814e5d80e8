"""plughost-moderation: kick, ban, unban, timeout and warn, with numbered cases.

The cog class is what the ``moderation`` entry point names; cases live in
:mod:`plughost_moderation.cases`, the role-hierarchy rules in
:mod:`plughost_moderation.hierarchy`.
"""

from plughost_moderation.cog import Moderation

__all__ = ["Moderation"]

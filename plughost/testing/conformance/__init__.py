"""The local Discord measured against Discord's published HTTP API description.

``discord-openapi.json`` is an extract of ``specs/openapi.json`` from
https://github.com/discord/discord-api-spec (MIT licence, see
``LICENSE.discord-api-spec``): the operations the emulator serves and the
schemas they use. `SpecCheck` validates the emulator's traffic against it; the
test kit turns it on with ``--plughost-validate``.
"""

from plughost.testing.conformance.check import SpecCheck, SpecTotals, Violation
from plughost.testing.conformance.spec import SPEC_FILE, DiscordSpec, Operation
from plughost.testing.conformance.tolerances import TOLERANCES, Tolerance

__all__ = [
    "SPEC_FILE",
    "TOLERANCES",
    "DiscordSpec",
    "Operation",
    "SpecCheck",
    "SpecTotals",
    "Tolerance",
    "Violation",
]

"""Fresh confirmations for the changes that cannot be taken back from a page (install,
uninstall): the first POST only asks; a second POST must carry the token the confirm
page showed.

A token belongs to one session and one change ("install phweb-x==1.0"), works once,
and lapses after :data:`CONFIRMATION_LIFETIME`: a confirm page left open, or a token
copied into another session or onto another package, confirms nothing. The CSRF
token alone would not do: it lives as long as the session, so one forged or
mistaken click would run pip at once.
"""

from __future__ import annotations

import secrets
from typing import Final

from plughost.web.sessions import Session

__all__ = ["CONFIRMATION_LIFETIME", "ask", "confirmed"]

#: Seconds a confirm page's token works.
CONFIRMATION_LIFETIME: Final = 300.0
#: Open confirmations one session keeps (older ones are dropped first).
_MAX_OPEN: Final = 8


def ask(session: Session, change: str, now: float) -> str:
    """A new token confirming ``change`` in ``session``."""
    pending = session.confirmations
    for token in [t for t, (_, expires) in pending.items() if expires <= now]:
        del pending[token]
    while len(pending) >= _MAX_OPEN:
        del pending[next(iter(pending))]
    token = secrets.token_urlsafe(24)
    pending[token] = (change, now + CONFIRMATION_LIFETIME)
    return token


def confirmed(session: Session, token: str, change: str, now: float) -> bool:
    """Whether ``token`` confirms ``change`` now; the token is spent either way."""
    found = session.confirmations.pop(token, None)
    if found is None:
        return False
    what, expires = found
    return secrets.compare_digest(what, change) and now < expires

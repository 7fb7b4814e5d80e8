"""plughost-reminders: `remind me in 10m stretch your legs`, with snooze buttons.

The cog is `Reminders` (entry point ``reminders``). `ManualClock` is for tests:
see the README.
"""

from plughost_reminders.clock import Clock, ManualClock, SystemClock
from plughost_reminders.cog import Reminders

__all__ = ["Clock", "ManualClock", "Reminders", "SystemClock"]

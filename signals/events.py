"""Events of the registry (blinker). Higher layers connect receivers; signals/ never imports them.

Every event is sent inside the transaction that caused it, so receivers add their
rows (outbox, notices) to the same commit.
"""

from blinker import Namespace

_ns = Namespace()

registered = _ns.signal("registered", doc="A new item was registered; sender is the Signal (flushed, numbered).")

ALL = (registered,)

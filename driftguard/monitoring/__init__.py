"""Production monitoring: ``driftguard watch`` and the :class:`DriftMonitor` middleware.

- :mod:`.history`: where URL ``--history`` names a database (SQLite file or PostgreSQL),
  and the store of runs and incidents in it, safe for several watchers at once;
- :mod:`.incidents`: one run's causes against the open incidents: what opens, what resolves;
- :mod:`.alerts`: the webhook and the log line of each incident event;
- :mod:`.watch`: one run (``--once``) and the loop that stops cleanly on SIGTERM/SIGINT;
- :mod:`.status`: the history as a self-contained html status page;
- :mod:`.middleware`: the ASGI middleware that samples live responses against the snapshot.

Nothing here imports pytest or schemathesis; the PostgreSQL driver only when a URL asks for it.
"""

from __future__ import annotations

__all__: list[str] = []

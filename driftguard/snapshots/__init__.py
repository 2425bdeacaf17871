"""Response drift: the snapshot directory, the probes recorded into it, and the CI gate.

:mod:`~driftguard.snapshots.store` is the only reader and writer of a snapshot directory
(layout, lock, journal); :mod:`~driftguard.snapshots.probes` says which requests are recorded;
:mod:`~driftguard.snapshots.downstream` records the services an app depends on.
"""

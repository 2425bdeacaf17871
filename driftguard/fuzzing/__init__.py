"""``driftguard fuzz``: generated requests that find validation gaps and contract violations.

The only package that imports schemathesis and hypothesis (the ``fuzz`` extra), and only in
the modules that generate or read schemathesis' cases (:mod:`~driftguard.fuzzing.session`,
:mod:`~driftguard.fuzzing.engine`, :mod:`~driftguard.fuzzing.judge`,
:mod:`~driftguard.fuzzing.reading`, :mod:`~driftguard.fuzzing.boundaries`,
:mod:`~driftguard.fuzzing.stateful`, :mod:`~driftguard.fuzzing.constants` and the bridge
across releases, :mod:`~driftguard.fuzzing._compat`); the others work on plain data and are
tested as such. A run may be split: :mod:`~driftguard.fuzzing.shards` chooses the operations
of a shard or a worker, :mod:`~driftguard.fuzzing.workers` runs the worker processes.

The stages, one module each: :mod:`~driftguard.fuzzing.options` (arguments and
configuration) and :mod:`~driftguard.fuzzing.target` (what is fuzzed) ->
:mod:`~driftguard.fuzzing.run` (the report) -> :mod:`~driftguard.fuzzing.tally` (one
process's share) with :mod:`~driftguard.fuzzing.session` (the plan and what sends) ->
:mod:`~driftguard.fuzzing.engine` (coverage cases and Hypothesis rounds per operation) ->
:mod:`~driftguard.fuzzing.transport` (the bytes on the wire) ->
:mod:`~driftguard.fuzzing.judge` and :mod:`~driftguard.fuzzing.causes` (what an answer shows)
-> :mod:`~driftguard.fuzzing.probing` with :mod:`~driftguard.fuzzing.scenarios` (auth, races,
use after delete) and :mod:`~driftguard.fuzzing.stateful` (stored writes, real ids) ->
:mod:`~driftguard.fuzzing.evidence` (one finding per cause) with
:mod:`~driftguard.fuzzing.reproduce` (a curl line and ``details.request``).
"""

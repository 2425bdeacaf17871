"""OpenAPI documents compared semantically: the engine behind ``driftguard diff``.

The pipeline, one module per stage: :mod:`~driftguard.spec.load` (bytes to a checked
document) -> :mod:`~driftguard.spec.normalize` (one canonical spelling per contract) ->
:mod:`~driftguard.spec.diff` and :mod:`~driftguard.spec.schemadiff` (a pure tree of what
changed, :mod:`~driftguard.spec.tree`) -> :mod:`~driftguard.spec.checks` (findings, read
through the one walker of :mod:`~driftguard.spec.walk`, ids and severities from the data in
:mod:`~driftguard.spec.rules`). :func:`driftguard.diff_specs` (in
:mod:`~driftguard.spec.compare`) runs it.
"""

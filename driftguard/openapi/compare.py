"""``diff_specs``: two OpenAPI documents in, a classified :class:`Report` out.

The pipeline of STYLE.md: load (:mod:`~driftguard.openapi.sources`) -> index
(:class:`~driftguard.openapi.document.Spec`, references checked once) -> normalise
(:mod:`~driftguard.openapi.normalize`, lazily, schema by schema) -> diff
(:mod:`~driftguard.openapi.diff`, a pure tree) -> checks (:mod:`~driftguard.openapi.checks`,
through one walker) -> findings. :func:`compare_specs` is that pipeline on two indexed
documents; ``driftguard check`` calls it with the documents it has already indexed, and
:func:`diff_specs` is the library's door to it, with the policy applied last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftguard._deep import deep
from driftguard._errors import UsageError
from driftguard.findings import Finding, RunInfo
from driftguard.openapi.document import Spec
from driftguard.openapi.load import check_openapi
from driftguard.report import Report

if TYPE_CHECKING:
    from datetime import date

    from driftguard._config import Config
    from driftguard.openapi.lifecycle import Lifecycle
    from driftguard.targets import Target

__all__ = ["compare_specs", "diff_specs"]

Document = Mapping[str, Any]


def compare_specs(
    old: Spec, new: Spec, lifecycle: Lifecycle | None = None
) -> tuple[list[Finding], list[str]]:
    """Every change from ``old`` to ``new``, classified, with the labels of every operation
    either side has (the removed ones included). No policy is applied here; the
    ``lifecycle`` (deprecation days, today: the defaults unless given) is."""
    from driftguard.openapi.checks import run_checks
    from driftguard.openapi.diff import diff_documents
    from driftguard.openapi.lifecycle import Lifecycle, judging, review

    lifecycle = lifecycle if lifecycle is not None else Lifecycle()
    tree = diff_documents(old, new)
    labels = {op.label for op in new.operations.values()}
    labels.update(op.label for op in tree.removed)
    with judging(lifecycle, new):
        findings = run_checks(tree)
    return review(findings, old, new, lifecycle), sorted(labels)


@deep
def diff_specs(
    old: Document | str | Path | Target,
    new: Document | str | Path | Target,
    *,
    config: Config | None = None,
    allow_remote_refs: bool = False,
    strip_prefix_base: str = "",
    strip_prefix_revision: str = "",
    prefix_base: str = "",
    prefix_revision: str = "",
    today: date | None = None,
    match_path: str | Iterable[str] | None = None,
    exclude_path: str | Iterable[str] | None = None,
    operations: str | Iterable[str] | None = None,
) -> Report:
    """Compare two OpenAPI documents and classify every change for clients.

    ``old`` and ``new`` are documents (dicts, as ``load_spec`` returns them) or TARGETs
    (a file path, ``module:attr``, a URL or a snapshot directory). Findings carry the
    operation as written in the new document (the old one for removals). With a
    ``config``, URL targets get its headers and timeout, files its ``ref_roots``, and its
    severity overrides and ignored findings are applied to the report, and its
    ``deprecation_days``. Sunsets are judged on ``today`` (default: the configuration's, or
    today in UTC). What loading has to say (a key written twice) is among the report's notes.

    Operations are matched by method and path template, then by the URL they are served at
    (the ``servers`` base path and the path), so a base path moved between the two is no
    change. Where that cannot tell, ``strip_prefix_*`` and ``prefix_*`` rewrite the paths of
    the old (``base``) or new (``revision``) document first, as oasdiff's options do.
    ``match_path``/``exclude_path`` (regular expressions searched in path templates; by
    default the configuration's) and ``operations`` (``"METHOD /path"`` or operationIds)
    narrow the report to some operations, as :mod:`driftguard.filters` describes.
    """
    from driftguard.filters import EndpointFilter
    from driftguard.openapi.lifecycle import Lifecycle
    from driftguard.policy import apply_policy

    endpoints = EndpointFilter.build(
        match_path=match_path, exclude_path=exclude_path, operations=operations, config=config
    )
    run, finish = RunInfo.timed()
    remote = allow_remote_refs or bool(config is not None and config.allow_remote_refs)
    old_doc, old_name = _document(old, "old", remote, config, run.notes)
    new_doc, new_name = _document(new, "new", remote, config, run.notes)
    run.target, run.baseline = new_name, old_name
    old_spec = Spec(old_doc, where=old_name, strip_prefix=strip_prefix_base, prefix=prefix_base)
    new_spec = Spec(
        new_doc, where=new_name, strip_prefix=strip_prefix_revision, prefix=prefix_revision
    )
    lifecycle = Lifecycle.of(config, today=today)
    findings, run.operations = compare_specs(old_spec, new_spec, lifecycle)
    run.notes.append(
        f"compared {old_name} ({len(old_spec.operations)} operations) with "
        f"{new_name} ({len(new_spec.operations)} operations)"
    )
    if endpoints is not None:
        scope = endpoints.scope(old_spec, new_spec)
        findings = scope.apply(findings, run.notes)
        run.operations = scope.operations(run.operations)
    return apply_policy(Report("diff", findings, run=finish()), config)


def _document(
    value: Document | str | Path | Target,
    role: str,
    remote: bool,
    config: Config | None,
    notes: list[str],
) -> tuple[dict[str, Any], str]:
    if isinstance(value, Mapping):
        name = f"{role} document"
        return check_openapi(dict(value), where=name), name
    if isinstance(value, str | Path) or hasattr(value, "kind"):
        from driftguard.openapi.sources import load_spec

        said: list[str] = []
        # Spec checks the depth in its own pass over the document (see load_spec).
        options: dict[str, Any] = {
            "allow_remote_refs": remote,
            "notes": said,
            "check_nesting": False,
        }
        if config is not None:
            options["timeout"] = config.timeout
            options["headers"] = config.request_headers().values
            options["ref_roots"] = config.ref_root_paths
            options["app_dir"] = config.app_path
        target = str(value) if isinstance(value, Path) else value
        document = load_spec(target, **options)
        notes.extend(note for note in said if note not in notes)  # a file diffed with itself
        return document, str(value)
    raise UsageError(
        f"{role}: expected an OpenAPI document or a TARGET, got {type(value).__name__}"
    )

"""``diff_specs``: two OpenAPI documents in, a classified :class:`Report` out.

The pipeline of STYLE.md: load (``driftguard.targets`` / ``openapi.load``) -> normalise
(``openapi.normalize``, lazily, schema by schema) -> diff (``openapi.diff``, a pure tree) ->
checks (``openapi.checks``, through one walker) -> Report. Policy (severity overrides and
ignored findings) is applied last, the same way for every command.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from driftguard._errors import UsageError
from driftguard.findings import Report
from driftguard.openapi.load import check_openapi

if TYPE_CHECKING:
    from driftguard._config import Config
    from driftguard.targets import Target

__all__ = ["diff_specs"]

Document = Mapping[str, Any]


def diff_specs(
    old: Document | str | Path | Target,
    new: Document | str | Path | Target,
    *,
    config: Config | None = None,
    allow_remote_refs: bool = False,
) -> Report:
    """Compare two OpenAPI documents and classify every change for clients.

    ``old`` and ``new`` are documents (dicts, as ``load_spec`` returns them) or TARGETs
    (a file path, ``module:attr``, a URL or a snapshot directory). Findings carry the
    operation as written in the new document (the old one for removals). With a
    ``config``, its severity overrides and ignored findings are applied.
    """
    from driftguard.openapi.checks import run_checks
    from driftguard.openapi.diff import diff_documents
    from driftguard.openapi.document import Spec

    remote = allow_remote_refs or bool(config is not None and config.allow_remote_refs)
    old_doc, old_name = _document(old, "old", remote, config)
    new_doc, new_name = _document(new, "new", remote, config)
    old_spec = Spec(old_doc, where=old_name)
    new_spec = Spec(new_doc, where=new_name)
    tree = diff_documents(old_spec, new_spec)
    findings = run_checks(tree)
    labels = {op.label for op in new_spec.operations.values()}
    labels.update(op.label for op in tree.removed)
    report = Report(
        "diff",
        findings,
        meta={
            "title": f"driftguard diff: {old_name} -> {new_name}",
            "notes": [
                f"compared {old_name} ({len(old_spec.operations)} operations) with "
                f"{new_name} ({len(new_spec.operations)} operations)"
            ],
            "operations": sorted(labels),
            "old": old_name,
            "new": new_name,
            "schema_pairs": tree.pairs,
        },
    )
    if config is not None:
        from driftguard._policy import apply_config

        report = apply_config(report, config)
    return report


def _document(
    value: Document | str | Path | Target, role: str, remote: bool, config: Config | None
) -> tuple[dict[str, Any], str]:
    if isinstance(value, Mapping):
        name = f"{role} document"
        return check_openapi(dict(value), where=name), name
    if isinstance(value, str | Path) or hasattr(value, "kind"):
        from driftguard.targets import load_spec

        options: dict[str, Any] = {"allow_remote_refs": remote}
        if config is not None:
            options["timeout"] = config.timeout
            options["headers"] = config.request_headers().values
        target = str(value) if isinstance(value, Path) else value
        return load_spec(target, **options), str(value)
    raise UsageError(
        f"{role}: expected an OpenAPI document or a TARGET, got {type(value).__name__}"
    )

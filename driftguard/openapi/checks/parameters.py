"""Request parameters: added, renamed, required (removed and deprecated: :mod:`.lifecycle`).

A parameter declared on the path item is a "default parameter" of every operation of the
path; a new one is reported with CHECKS.md's ``...-default-parameter-to-existing-path`` ids.
Path parameters are matched by position, so renaming one is not a change at all.
"""

from __future__ import annotations

from collections.abc import Iterator

from driftguard.findings import Finding
from driftguard.openapi.checks import check, emit
from driftguard.openapi.document import Parameter
from driftguard.openapi.tree import ParameterDiff
from driftguard.openapi.walk import Site


@check("parameter-added")
def parameter_added(site: Site, parameter: Parameter) -> Iterator[Finding]:
    if parameter.location == "path":
        yield emit("new-request-path-parameter", site)
    elif parameter.from_path_item:
        level = "required" if parameter.required else "optional"
        yield emit(f"new-{level}-request-default-parameter-to-existing-path", site)
    elif parameter.required:
        yield emit("new-required-request-parameter", site)
    else:
        yield emit("new-optional-request-parameter", site)


@check("parameter-renamed")
def parameter_renamed(site: Site, pair: tuple[Parameter, Parameter]) -> Iterator[Finding]:
    old, new = pair
    yield emit(
        "request-parameter-renamed",
        site,
        location=f"parameter {old.location} {old.name}",
        **{"from": old.name, "to": new.name},
    )


@check("parameter")
def parameter_changed(site: Site, pair: ParameterDiff) -> Iterator[Finding]:
    old, new = pair.old, pair.new
    if new.required and not old.required:
        yield emit("request-parameter-became-required", site)
    elif old.required and not new.required:
        yield emit("request-parameter-became-optional", site)

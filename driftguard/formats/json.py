"""The JSON report of CONTRACT section 3, and its JSON Schema."""

from __future__ import annotations

from typing import Any

from driftguard.report import Report

__all__ = ["render", "report_schema"]


def render(report: Report, options: Any) -> str:
    return report.to_json() + "\n"


def report_schema() -> dict[str, Any]:
    """The JSON Schema every ``--format json`` report validates against."""
    from driftguard._version import __version__
    from driftguard.findings import SOURCES, Severity

    severities = [s.value for s in Severity]
    counts = {s: {"type": "integer", "minimum": 0} for s in severities}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://driftguard.dev/schemas/report-{__version__}.json",
        "title": "driftguard report",
        "type": "object",
        "required": ["tool", "version", "command", "run", "summary", "causes", "findings"],
        "additionalProperties": False,
        "properties": {
            "tool": {"const": "driftguard"},
            "version": {"type": "string"},
            "command": {"enum": ["diff", "check", "fuzz", "snapshot", "pytest", "merge"]},
            "run": {
                "description": "what the run was: target, baseline, when, how long, its notes",
                "type": "object",
                "required": ["target", "version", "started", "seconds", "notes"],
                "properties": {
                    "target": {"type": ["string", "null"]},
                    "baseline": {"type": "string"},
                    "version": {"type": "string"},
                    "started": {"type": ["string", "null"], "format": "date-time"},
                    "seconds": {"type": ["number", "null"], "minimum": 0},
                    "notes": {"type": "array", "items": {"type": "string"}},
                    "seed": {"type": "integer"},
                    "requests": {"type": "integer", "minimum": 0},
                    "operations": {"type": "array", "items": {"type": "string"}},
                    "shard": {"type": "string", "pattern": "^[0-9]+/[0-9]+$"},
                },
            },
            "summary": {
                "type": "object",
                "description": "findings counted by severity, and causes under 'causes'",
                "required": [*severities, "causes"],
                "additionalProperties": False,
                "properties": {
                    **counts,
                    "causes": {
                        "type": "object",
                        "required": severities,
                        "additionalProperties": False,
                        "properties": counts,
                    },
                },
            },
            "causes": {"type": "array", "items": {"$ref": "#/$defs/cause"}},
            "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
        },
        "$defs": {
            "cause": {
                "description": "one change, however many findings show it",
                "type": "object",
                "required": ["key", "id", "severity", "message", "sources", "findings"],
                "additionalProperties": False,
                "properties": {
                    "key": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
                    "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                    "severity": {"enum": severities},
                    "message": {"type": "string"},
                    "sources": {
                        "type": "array",
                        "items": {"enum": list(SOURCES)},
                        "minItems": 1,
                        "uniqueItems": True,
                    },
                    "findings": {
                        "description": "the fingerprints of the cause's findings",
                        "type": "array",
                        "items": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
                        "minItems": 1,
                    },
                },
            },
            "finding": {
                "type": "object",
                "required": [
                    "id",
                    "severity",
                    "source",
                    "operation",
                    "location",
                    "message",
                    "details",
                    "fingerprint",
                    "cause",
                ],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                    "severity": {"enum": severities},
                    "source": {"enum": list(SOURCES)},
                    "operation": {
                        "description": "METHOD /path as written in the spec; null when spec-wide",
                        "type": ["string", "null"],
                    },
                    "location": {"type": "string"},
                    "message": {"type": "string"},
                    "details": {
                        "type": "object",
                        "properties": {
                            "from": {"type": "string"},
                            "to": {"type": "string"},
                            "probe": {"type": "string"},
                            "path": {"type": "string"},
                            "reproduce": {"type": "string"},
                            "request": {
                                "type": "object",
                                "properties": {
                                    "method": {"type": "string"},
                                    "path": {"type": "string"},
                                    "query": {},
                                    "headers": {"type": "object"},
                                    "body": {},
                                },
                            },
                        },
                    },
                    "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
                    "cause": {
                        "description": "the key of the cause the finding shows",
                        "type": "string",
                        "pattern": "^[0-9a-f]{16}$",
                    },
                },
                "allOf": [
                    {
                        "if": {"properties": {"source": {"const": "fuzz"}}},
                        "then": {"properties": {"details": {"required": ["reproduce", "request"]}}},
                    },
                    {
                        "if": {"properties": {"source": {"const": "response"}}},
                        "then": {"properties": {"details": {"required": ["probe", "path"]}}},
                    },
                    {
                        "if": {"properties": {"id": {"pattern": "-renamed$"}}},
                        "then": {"properties": {"details": {"required": ["from", "to"]}}},
                    },
                ],
            },
        },
    }

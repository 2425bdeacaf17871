"""One module per command: its arguments (``register``) and its ``run(args, config)``.

A command's ``run`` is a thin layer over a library call; the heavy imports happen inside it,
so that ``driftguard --help`` reads every command's arguments without paying for any engine.
"""

COMMANDS = (
    "snapshot",
    "diff",
    "check",
    "fuzz",
    "merge",
    "watch",
    "history",
    "checks",
    "report-schema",
)

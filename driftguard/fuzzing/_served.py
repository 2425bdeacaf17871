"""``python -m driftguard.fuzzing._served ARGS``: ``python -m uvicorn ARGS`` that ends with the
run that started it (:mod:`driftguard.fuzzing._parent`), for ``--serve``.

Nothing else differs: the same uvicorn, its own command line and signal handling, the app
imported afresh in this process.
"""

from __future__ import annotations

import runpy
import sys

from driftguard.fuzzing._parent import STOP_SECONDS, end_with_parent


def main() -> None:
    end_with_parent(grace=STOP_SECONDS)
    sys.argv = ["uvicorn", *sys.argv[1:]]
    runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()

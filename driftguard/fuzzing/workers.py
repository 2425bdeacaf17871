"""``--workers N``: whole resources fuzzed in N processes side by side, one report.

The parent plans the run as one process would (the operations, their shard, the seed), deals
the operations to the workers whole resources at a time (:func:`~driftguard.fuzzing.shards.spread`,
deterministic), and starts each worker as ``python -m driftguard.fuzzing.workers``: a fresh
interpreter that opens the target for itself (imports ``module:attr``, or connects to the
URL). A worker fuzzes its operations in the document's order with the run's seed, so each
operation sends the requests it would send in one process, and its findings are the same.
The time budget is the run's: every worker measures it from the moment the parent started.

The parent shows the progress of all workers as one bar, and adds their tallies up. The first
worker to fail ends the run: the others are stopped and its error is raised, one line as
ever. Ctrl-C reaches the parent alone (the workers ignore it), which stops them all.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import IO, Any

from driftguard._config import Config
from driftguard._errors import DriftguardError, TargetError, UsageError, one_line
from driftguard.fuzzing._parent import PARENT, end_with_parent
from driftguard.fuzzing.engine import Progress
from driftguard.fuzzing.options import FuzzOptions
from driftguard.fuzzing.progress import FuzzProgress
from driftguard.fuzzing.session import Plan, plan
from driftguard.fuzzing.shards import spread
from driftguard.fuzzing.tally import Tally, collect
from driftguard.merge import deduplicated
from driftguard.targets import Target

__all__ = ["fuzz_in_workers"]


def fuzz_in_workers(
    target: Any, options: FuzzOptions, config: Config, progress: Progress | None
) -> Tally:
    if target is not None and not isinstance(target, str | Target):
        raise UsageError(
            "--workers needs a module:attr or http(s):// target, which each worker process "
            "opens for itself; an app object cannot be handed to another process"
        )
    began_wall, began = time.time(), time.monotonic()
    planned = plan(target, options, config)
    labels = [operation.label for operation in planned.operations]
    shares = spread(labels, str, options.workers)
    if len(shares) < 2:  # one resource (or none): nothing to do side by side
        tally = collect(target, _share_options(options, planned.seed, labels), config, progress)
        return _combined(planned, options, labels, [tally])
    tallies: dict[int, Tally] = {}
    latest: dict[int, FuzzProgress] = {}
    with _Workers() as workers:
        for index, share in enumerate(shares):
            workers.start(
                index,
                (target, _share_options(options, planned.seed, share), config, began_wall),
                report_progress=progress is not None,
            )
        while len(tallies) < len(shares):
            index, kind, payload = workers.next()
            if kind == "progress":
                latest[index] = payload
                if progress is not None:
                    progress(_overall(latest, len(labels), began))
            elif kind == "done":
                tallies[index] = payload
            elif kind == "error":
                raise payload
            elif index not in tallies:  # the end of its output, without a result
                raise TargetError(workers.died(index))
    if progress is not None and latest:
        progress(replace(_overall(latest, len(labels), began), finished=True))
    return _combined(planned, options, labels, [tallies[index] for index in sorted(tallies)])


def _share_options(options: FuzzOptions, seed: int, labels: list[str]) -> FuzzOptions:
    """One worker's options: the run's seed, its operations, already sharded."""
    return replace(options, seed=seed, operations=tuple(labels), shard=None, workers=1)


class _Workers:
    """Worker processes (``python -m driftguard.fuzzing.workers``) and what they say.

    Subprocesses rather than ``multiprocessing``: nothing of the caller's ``__main__`` runs
    again in them (a script without a ``__main__`` guard, a notebook, pytest all work). Each
    reads its arguments, pickled, on stdin and writes pickled frames on its stdout; a thread
    per worker passes them to one queue. Stderr goes to a file, for the last line of a worker
    that died.
    """

    def __init__(self) -> None:
        self.messages: queue.Queue[tuple[int, str, Any]] = queue.Queue()
        self.processes: dict[int, subprocess.Popen[bytes]] = {}
        self.errors: dict[int, IO[bytes]] = {}

    def __enter__(self) -> _Workers:
        return self

    def start(self, index: int, arguments: tuple[Any, ...], *, report_progress: bool) -> None:
        errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__, once read
        self.errors[index] = errors
        with _sigint_ignored():  # inherited by the worker, from its first instruction on
            process = subprocess.Popen(
                [sys.executable, "-m", "driftguard.fuzzing.workers"],
                env={**os.environ, PARENT: str(os.getpid())},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
            )
        self.processes[index] = process
        assert process.stdin is not None
        assert process.stdout is not None
        threading.Thread(
            target=self._read, args=(index, process.stdout), daemon=True, name=f"fuzz-{index}"
        ).start()
        try:
            process.stdin.write(pickle.dumps((list(sys.path), index, arguments, report_progress)))
            process.stdin.close()
        except BrokenPipeError:
            pass  # it died at once: the end of its output says so

    def _read(self, index: int, stream: IO[bytes]) -> None:
        try:
            while len(head := stream.read(8)) == 8:
                kind, payload = pickle.loads(stream.read(int.from_bytes(head, "big")))
                self.messages.put((index, kind, payload))
        except Exception as exc:  # a garbled frame: the worker is lost
            self.messages.put((index, "error", RuntimeError(f"worker {index + 1}: {exc}")))
        self.messages.put((index, "end", None))

    def next(self) -> tuple[int, str, Any]:
        while True:
            try:
                return self.messages.get(timeout=0.5)  # (a timeout lets Ctrl-C through)
            except queue.Empty:
                continue

    def died(self, index: int) -> str:
        code = self.processes[index].wait(5)
        errors = self.errors[index]
        errors.seek(0)
        lines = errors.read().decode("utf-8", "replace").strip().splitlines()
        last = f": {lines[-1].strip()}" if lines else ""
        return f"fuzz worker {index + 1} ended without a result (exit code {code}){last}"

    def __exit__(self, *exc_info: Any) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
        for process in self.processes.values():
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        for errors in self.errors.values():
            errors.close()


def _work(
    index: int,
    arguments: tuple[Any, ...],
    send: Callable[[str, Any], None],
    report_progress: bool,
) -> None:
    """One worker: fuzz its operations, send its tally (or the error that stopped it)."""
    target, options, config, began_wall = arguments
    try:
        # the run's clock, not this process's: the budget is shared
        started = time.monotonic() - max(time.time() - began_wall, 0.0)

        def progress(snapshot: FuzzProgress) -> None:
            send("progress", snapshot)

        tally = collect(
            target, options, config, progress if report_progress else None, started=started
        )
        send("done", tally)
    except DriftguardError as error:
        send("error", error)
    except BaseException as exc:  # a bug: one line for the parent, which has no traceback
        send("error", RuntimeError(f"worker {index + 1}: {one_line(exc)}"))


def _main() -> None:
    """A worker process: arguments from stdin, frames to what was stdout (a print of the
    app's goes to stderr instead, so that it cannot garble a frame)."""
    end_with_parent()
    frames = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    path, index, arguments, report_progress = pickle.loads(sys.stdin.buffer.read())
    sys.path[:] = path

    def send(kind: str, payload: Any) -> None:
        frame = pickle.dumps((kind, payload))
        frames.write(len(frame).to_bytes(8, "big") + frame)
        frames.flush()

    _work(index, arguments, send, report_progress)
    frames.close()


def _overall(latest: dict[int, FuzzProgress], total: int, began: float) -> FuzzProgress:
    """One progress line for every worker: operations, requests and findings summed."""
    snapshots = list(latest.values())
    current = max(snapshots, key=lambda s: s.elapsed)
    return FuzzProgress(
        done=sum(s.done for s in snapshots),
        total=total,
        operation=current.operation,
        requests=sum(s.requests for s in snapshots),
        findings=sum(s.findings for s in snapshots),
        elapsed=time.monotonic() - began,
    )


def _combined(
    planned: Plan, options: FuzzOptions, labels: list[str], tallies: list[Tally]
) -> Tally:
    """The workers' tallies as the one tally of the run."""
    successes: dict[str, int] = {}
    statuses: Counter[int] = Counter()
    for tally in tallies:
        successes.update(tally.successes)
        statuses.update(tally.statuses)
    notes = dict.fromkeys(planned.notes)
    for tally in tallies:
        notes.update(dict.fromkeys(tally.notes))
    return Tally(
        target=str(planned.target),
        base_url=planned.base_url,
        seed=planned.seed,
        findings=deduplicated(finding for tally in tallies for finding in tally.findings),
        notes=list(notes),
        operations=labels,
        done=sum(tally.done for tally in tallies),
        requests=sum(tally.requests for tally in tallies),
        successes={label: successes[label] for label in labels if label in successes},
        statuses=statuses,
        secured=set().union(*(tally.secured for tally in tallies)),
        exports={key: value for tally in tallies for key, value in tally.exports.items()},
        shard=None if options.shard is None else str(options.shard),
        budget_spent=any(tally.budget_spent for tally in tallies),
    )


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


if __name__ == "__main__":
    _main()

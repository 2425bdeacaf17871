"""``DriftMonitor``: passive drift monitoring inside the service, as an ASGI middleware.

::

    from driftguard import DriftMonitor
    app.add_middleware(DriftMonitor, snapshots="snapshots", sample=0.05, on_drift=callback)

A sampled response (``sample`` is a rate, or a mapping of ``"METHOD /template"`` to rates
with ``"*"`` for the others) is copied as it is sent, and once it is complete its JSON body
goes on a bounded queue; a worker thread compares it with the snapshot's records for the
same operation and status (:mod:`driftguard.shapes`, the comparison ``check`` makes) and
reports each cause once (:mod:`driftguard.causes`): a log line on ``driftguard.monitor``,
``on_drift(report)`` with a :class:`~driftguard.report.Report` of the new causes' findings,
and the ``driftguard_monitor_drift_total`` counter when ``prometheus_client`` is installed.

It never changes a response (every message is passed on as it came, before it is looked
at), never raises into the app (its own failures are logged and counted), and keeps the
comparison off the request path: when the queue is full a sample is dropped and counted
(``stats["dropped"]``, ``driftguard_monitor_dropped_total``). A body the worker saw before,
byte for byte, for the same operation and status is not compared again. The snapshot is
read by the worker, never on a request; per-route rates apply once it is (``ready``), the
``"*"`` rate until then.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, MutableMapping, Sequence
from pathlib import Path
from typing import Any

from driftguard._http import is_json_media_type, media_type_of
from driftguard.findings import FailOn
from driftguard.report import Report

__all__ = ["DriftMonitor"]

logger = logging.getLogger("driftguard.monitor")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_SEEN_BODIES = 4096  # bodies remembered per monitor, to compare each distinct one once
POLL = 0.1  # seconds between the worker's looks at the queue


class _Metrics:
    """The Prometheus counters, created once per process (a registry refuses twins)."""

    _lock = threading.Lock()
    _made: tuple[Any, Any] | None = None
    _tried = False

    @classmethod
    def get(cls) -> tuple[Any, Any] | None:
        with cls._lock:
            if not cls._tried:
                cls._tried = True
                try:
                    from prometheus_client import Counter
                except ImportError:
                    return None
                cls._made = (
                    Counter(
                        "driftguard_monitor_drift",
                        "Drift causes seen in sampled live responses",
                        ["operation", "rule", "severity"],
                    ),
                    Counter(
                        "driftguard_monitor_dropped",
                        "Sampled responses dropped because the comparison queue was full",
                    ),
                )
            return cls._made


class _Sample:
    """One response as it was sent: its status, media type and body."""

    __slots__ = ("body", "complete", "media_type", "method", "path", "size", "status", "too_big")

    def __init__(self, method: str, path: str) -> None:
        self.method, self.path = method, path
        self.status = 0
        self.media_type: str | None = None
        self.body: list[bytes] = []
        self.size = 0
        self.complete = False
        self.too_big = False


class DriftMonitor:
    """An ASGI middleware that samples live responses against the snapshot's records."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        snapshots: str | os.PathLike[str] = "snapshots",
        sample: float | Mapping[str, float] = 0.05,
        on_drift: Callable[[Report], object] | None = None,
        fail_on: str = "warning",
        ignore: Sequence[str] = (),
        queue_size: int = 1000,
        max_body: int = 1 << 20,
    ) -> None:
        self.app = app
        self.snapshots = Path(snapshots)
        self.rates = dict(sample) if isinstance(sample, Mapping) else {"*": float(sample)}
        self.default_rate = self.rates.get("*", 0.0)
        self.per_route = any(key != "*" for key in self.rates)
        self.on_drift = on_drift
        self.fail_on = FailOn.parse(fail_on)
        self.ignore = list(ignore)
        self.max_body = max_body
        self.stats = {
            "sampled": 0,
            "compared": 0,
            "dropped": 0,
            "unmatched": 0,
            "causes": 0,
            "errors": 0,
        }
        self._queue: queue.Queue[_Sample | None] = queue.Queue(maxsize=max(1, queue_size))
        self._worker: threading.Thread | None = None
        self._start = threading.Lock()
        self._draw = random.Random().random
        self._reported: set[str] = set()
        self._seen: OrderedDict[tuple[str, int, int], None] = OrderedDict()
        self._index: _Index | None = None
        self._broken: str | None = None
        # set once the snapshot is read (or could not be): per-route rates apply from then
        self.ready = threading.Event()

    # -- on the request path: as little as possible, and nothing that can raise ---------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        sample = None
        if scope.get("type") == "http":
            try:
                sample = self._maybe_sample(scope)
            except Exception:  # never into the app
                self.stats["errors"] += 1
        if sample is None:
            await self.app(scope, receive, send)
            return
        chosen = sample

        async def sending(message: Message) -> None:
            await send(message)  # first: the response goes out as the app made it
            try:
                self._see(chosen, message)
            except Exception:
                chosen.too_big = True
                self.stats["errors"] += 1

        await self.app(scope, receive, sending)
        if chosen.complete and not chosen.too_big:
            self._enqueue(chosen)

    def _maybe_sample(self, scope: Scope) -> _Sample | None:
        if self._broken:
            return None
        rate = self.default_rate
        if self.per_route:
            rate = self._route_rate(str(scope.get("method", "GET")), str(scope.get("path", "/")))
        if rate <= 0 or (rate < 1 and self._draw() >= rate):
            return None
        return _Sample(str(scope.get("method", "GET")), str(scope.get("path", "/")))

    def _route_rate(self, method: str, path: str) -> float:
        index = self._index
        if index is None:  # the worker loads the snapshot; until then, the default rate
            self._ensure_worker()
            return self.default_rate
        operation = index.spec.find(method, path)
        if operation is None:
            return self.default_rate
        return self.rates.get(operation.label, self.default_rate)

    def _see(self, sample: _Sample, message: Message) -> None:
        kind = message.get("type")
        if kind == "http.response.start":
            sample.status = int(message.get("status", 0))
            for name, value in message.get("headers") or ():
                if bytes(name).lower() == b"content-type":
                    sample.media_type = media_type_of(bytes(value).decode("latin-1"))
            if not is_json_media_type(sample.media_type):
                sample.too_big = True  # not JSON: nothing to compare, nothing to keep
        elif kind == "http.response.body" and not sample.too_big:
            body = bytes(message.get("body", b""))
            if body:
                sample.body.append(body)
                sample.size += len(body)
                if sample.size > self.max_body:
                    sample.too_big, sample.body = True, []
            if not message.get("more_body", False):
                sample.complete = True

    def _enqueue(self, sample: _Sample) -> None:
        self.stats["sampled"] += 1
        try:
            self._ensure_worker()
            self._queue.put_nowait(sample)
        except queue.Full:
            self.stats["dropped"] += 1
            metrics = _Metrics.get()
            if metrics is not None:
                metrics[1].inc()
        except Exception:
            self.stats["errors"] += 1

    def _ensure_worker(self) -> None:
        if self._worker is not None:
            return
        with self._start:
            if self._worker is None:
                worker = threading.Thread(target=self._work, name="driftguard-monitor", daemon=True)
                worker.start()
                self._worker = worker

    # -- off the request path: the worker thread ------------------------------------------------

    def _work(self) -> None:
        """Wake every :data:`POLL` seconds and compare what was queued meanwhile. A worker
        blocked on the queue would be woken by every sample, and each wake-up takes the GIL
        from the event loop in the middle of the next request: at ``sample=0.05`` that cost
        more than all the comparisons (a p50 overhead of 1.5% instead of 0.3%)."""
        self._loaded()
        while True:
            time.sleep(POLL)
            while True:
                try:
                    sample = self._queue.get_nowait()
                except queue.Empty:
                    break
                try:
                    if sample is None:
                        return
                    self._compare(sample)
                except Exception as exc:
                    self.stats["errors"] += 1
                    logger.exception("driftguard: monitor could not compare a sample: %s", exc)
                finally:
                    self._queue.task_done()

    def _loaded(self) -> _Index | None:
        if self._index is None and self._broken is None:
            with self._start:
                if self._index is None and self._broken is None:
                    try:
                        self._index = _Index.load(self.snapshots)
                    except Exception as exc:
                        from driftguard._errors import one_line

                        self._broken = one_line(exc)
                        logger.error(
                            "driftguard: monitor disabled: snapshot %s: %s",
                            self.snapshots,
                            self._broken,
                        )
                    self.ready.set()
        return self._index

    def _compare(self, sample: _Sample) -> None:
        index = self._loaded()
        if index is None:
            return
        operation = index.spec.find(sample.method, sample.path)
        records = None if operation is None else index.records.get((operation.label, sample.status))
        if operation is None or not records:
            self.stats["unmatched"] += 1
            return
        content = b"".join(sample.body)
        seen = (operation.label, sample.status, hash(content))
        if seen in self._seen:
            self._seen.move_to_end(seen)
            return
        self._seen[seen] = None
        if len(self._seen) > _SEEN_BODIES:
            self._seen.popitem(last=False)
        from driftguard.shapes import compare_response
        from driftguard.snapshots.record import ResponseRecord

        try:
            body = json.loads(content) if content else None
        except ValueError:
            body = None
        live = ResponseRecord.from_json(
            body, status=sample.status, media_type=sample.media_type, ignore=self.ignore
        )
        self.stats["compared"] += 1
        best = min(
            (
                compare_response(
                    record, live, probe=name, operation=operation.label, ignore=self.ignore
                )
                for name, record in records
            ),
            key=len,
        )
        serious = best.filtered(lambda f: self.fail_on.trips(f.severity))
        fresh = [cause for cause in serious.causes if cause.key not in self._reported]
        if not fresh:
            return
        self._reported.update(cause.key for cause in fresh)
        self.stats["causes"] += len(fresh)
        report = Report("monitor", [f for cause in fresh for f in cause.findings])
        report.run.target = f"{sample.method} {sample.path}"
        report.run.baseline = str(self.snapshots)
        for cause in fresh:
            logger.warning(
                "driftguard: drift in live responses of %s: [%s] %s (%s)",
                operation.label,
                cause.severity.value,
                cause.message,
                cause.id,
            )
        metrics = _Metrics.get()
        if metrics is not None:
            for cause in fresh:
                metrics[0].labels(operation.label, cause.id, cause.severity.value).inc()
        if self.on_drift is not None:
            try:
                self.on_drift(report)
            except Exception:
                self.stats["errors"] += 1
                logger.exception("driftguard: monitor's on_drift callback raised")

    # -- for tests and shutdown -----------------------------------------------------------------

    def drain(self) -> None:
        """Wait until every queued sample has been compared."""
        if self._worker is not None:
            self._queue.join()

    def close(self) -> None:
        """Compare what is queued, then stop the worker."""
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join()
            self._worker = None


class _Index:
    """The snapshot as the worker reads it: its document, and its records by the
    operation and status they answered."""

    def __init__(self, spec: Any, records: dict[tuple[str, int], list[tuple[str, Any]]]) -> None:
        self.spec = spec
        self.records = records

    @classmethod
    def load(cls, directory: Path) -> _Index:
        from driftguard._errors import SnapshotError
        from driftguard.openapi.document import Spec
        from driftguard.openapi.sources import snapshot_document
        from driftguard.snapshots.store import SPEC_FILE, load_snapshot

        recorded = load_snapshot(directory)
        if recorded.spec is None:
            raise SnapshotError(f"{directory} holds no {SPEC_FILE}")
        where = str(directory / SPEC_FILE)
        spec = Spec(snapshot_document(recorded.spec, where=where), where=where)
        records: dict[tuple[str, int], list[tuple[str, Any]]] = {}
        for name, record in sorted(recorded.records.items()):
            request = record.request or {}
            method, path = str(request.get("method", "GET")), str(request.get("path", ""))
            operation = spec.find(method, path) if path else None
            if operation is not None and record.status and record.shape is not None:
                records.setdefault((operation.label, record.status), []).append((name, record))
        return cls(spec, records)

"""Training in a short-lived child interpreter (issue 19): the parent streams (text, code)
samples into `python -m gongzhi.intel.train_child` as JSON lines while it reads them from
the database, and reads back the metrics and the artefact. scikit-learn, SciPy and the
feature matrices live and die with the child, so a long-lived task worker never carries
them.

Standard library only, no Django, no scikit-learn: the task worker imports this module.

The wire format on the child's stdout: one line of JSON (the header), then exactly
`artefact_bytes` bytes of artefact. The header says {"ok": false, "error":
"not_enough_data"} when there was too little to learn from; a crash is an exit status
other than 0 (its traceback is in the child's stderr, a temporary file here).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO

log = logging.getLogger("gongzhi.intel")
SRC = str(Path(__file__).resolve().parents[2])  # the directory holding the gongzhi package
FEED_BATCH = 1000  # JSON lines per write into the child's stdin
STDERR_TAIL = 2000  # characters of the child's stderr quoted in an error


@dataclass(frozen=True)
class TrainParams:
    n_features: int = 2**18  # hashed columns before selection
    max_features: int = 50_000  # columns kept (by document frequency)
    min_df: int = 2
    alpha: float = 1e-5
    epochs: int = 5
    heldout_every: int = 10  # every 10th sample is held out for the reported accuracy
    min_class: int = 5  # a code with fewer samples is trained as its top-level code
    seed: int = 17

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class NotEnoughData(ValueError):
    """Fewer than two categories (or no text) to learn from."""


class TrainingFailed(RuntimeError):
    """The training child crashed, was killed or answered something unreadable."""


@dataclass
class TrainMetrics:
    """What a training measured of its model: the in-process result (classifier.TrainResult)
    and the child's answer (TrainOutcome) both carry these."""

    classes: list[str]
    trained_on: int
    heldout_size: int
    accuracy: float | None
    leaf_accuracy: float | None
    labels: list[str] = field(default_factory=list)
    confusion: list[list[int]] = field(default_factory=list)
    seconds: float = 0.0
    peak_memory_mb: float | None = None

    def metrics(self) -> dict:
        """The metric fields only, e.g. to pass them on to another TrainMetrics."""
        return {f.name: getattr(self, f.name) for f in fields(TrainMetrics)}


@dataclass
class TrainOutcome(TrainMetrics):
    """What the child hands back: the metrics of the trained model and its artefact."""

    artefact: bytes = field(kw_only=True)
    pid: int | None = None  # the process that trained (peak_memory_mb is its own peak RSS)

    def header(self) -> dict:
        head = {k: v for k, v in self.__dict__.items() if k != "artefact"}
        return {"ok": True, **head, "artefact_bytes": len(self.artefact)}


def child_command(params: TrainParams) -> list[str]:
    return [sys.executable, "-m", "gongzhi.intel.train_child", json.dumps(params.as_dict())]


def train_in_child(
    samples: Iterable[tuple[str, str]],
    params: TrainParams | None = None,
    *,
    timeout: float | None = None,
    workdir: Path | None = None,
) -> TrainOutcome:
    """Train on `samples` in a child interpreter; raises NotEnoughData as the in-process
    trainer does, TrainingFailed when the child did not answer (or was still at it after
    `timeout` seconds: it is killed, and the keyword table or the active model stays).
    The child keeps its hashed chunks (~0.7 GB at 1,000,000 cases) in `workdir`, not in a /tmp
    that may be memory (tmpfs)."""
    params = params or TrainParams()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (SRC, env.get("PYTHONPATH", "")) if p)
    if workdir is not None:
        workdir.mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(workdir)
    with tempfile.TemporaryFile(prefix="gongzhi-train-") as errors:
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            child_command(params),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,  # a file, not a pipe: nothing the child logs can block it
            env=env,
        )
        assert proc.stdin is not None and proc.stdout is not None
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            proc.kill()

        watchdog = threading.Timer(timeout, stop) if timeout else None
        if watchdog is not None:
            watchdog.daemon = True
            watchdog.start()
        try:
            _feed(proc.stdin, samples)
            header, artefact = _answer(proc.stdout)
            returncode = proc.wait()
        finally:
            if watchdog is not None:
                watchdog.cancel()
            if proc.poll() is None:  # the parent failed (e.g. the database): stop the child
                proc.kill()
                proc.wait()
            with contextlib.suppress(OSError):  # BrokenPipeError included
                proc.stdin.close()
            proc.stdout.close()
        if returncode != 0 or header is None:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-STDERR_TAIL:]
            if timed_out.is_set():
                tail = f"stopped after the time limit of {timeout:.0f} s\n{tail}"
            raise TrainingFailed(f"training child {_status(returncode)}:\n{tail}".rstrip())
    if not header.get("ok"):
        if header.get("error") == "not_enough_data":
            raise NotEnoughData(header.get("message", ""))
        raise TrainingFailed(f"training child answered {header!r}")
    fields = {k: v for k, v in header.items() if k not in ("ok", "artefact_bytes")}
    return TrainOutcome(artefact=artefact, **fields)


def _feed(stdin: IO[bytes], samples: Iterable[tuple[str, str]]) -> None:
    """Write the samples as JSON lines; a child that is gone is noticed by its exit status."""
    try:
        batch = []
        for text, code in samples:
            batch.append(json.dumps([text, code], ensure_ascii=False))
            if len(batch) == FEED_BATCH:
                stdin.write(("\n".join(batch) + "\n").encode())
                batch = []
        if batch:
            stdin.write(("\n".join(batch) + "\n").encode())
        stdin.close()
    except BrokenPipeError:
        with contextlib.suppress(BrokenPipeError):
            stdin.close()


def _answer(stdout: IO[bytes]) -> tuple[dict | None, bytes]:
    """The header and the artefact, or (None, b"") when the stream is not a whole answer."""
    line = stdout.readline()
    try:
        header = json.loads(line)
    except ValueError:
        return None, b""
    if not isinstance(header, dict):
        return None, b""
    size = int(header.get("artefact_bytes", 0))
    artefact = stdout.read(size)
    if len(artefact) != size:
        return None, b""
    return header, artefact


def _status(returncode: int) -> str:
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hint = " (out of memory?)" if name == "SIGKILL" else ""
        return f"was killed by {name}{hint}"
    if returncode == 0:
        return "exited without a complete answer"
    return f"exited with status {returncode}"

"""The training child: `python -m gongzhi.intel.train_child '<TrainParams as JSON>'`.

Reads (text, code) pairs as JSON lines on stdin until it closes, trains
(classifier.train), and answers on stdout with one JSON header line and the artefact
bytes (the format is described in training.py). Imports no Django: it needs nothing but
the samples, and starting Django would cost the time and memory this process exists to
keep out of the task worker.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from typing import IO

from . import classifier
from .training import NotEnoughData, TrainOutcome, TrainParams


def samples(stream: IO[bytes]) -> Iterator[tuple[str, str]]:
    for line in stream:
        text, code = json.loads(line)
        yield text, code


def outcome(samples: Iterable[tuple[str, str]], params: TrainParams) -> TrainOutcome:
    """Train here and now (what the child does; tests call it in-process)."""
    result = classifier.train(samples, params)
    return TrainOutcome(
        **(result.metrics() | {"peak_memory_mb": classifier.peak_rss_mb()}),
        artefact=classifier.dumps(result.pipeline),
        pid=os.getpid(),
    )


def answer(params: TrainParams, stream: IO[bytes]) -> tuple[dict, bytes]:
    try:
        trained = outcome(samples(stream), params)
    except NotEnoughData as exc:
        for _line in stream:  # let the parent finish writing
            pass
        return {"ok": False, "error": "not_enough_data", "message": str(exc)}, b""
    return trained.header(), trained.artefact


def main(argv: list[str]) -> int:
    params = TrainParams(**json.loads(argv[0]))
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by a library goes to stderr, not into the answer
    sys.stdout = sys.stderr
    header, artefact = answer(params, sys.stdin.buffer)
    out.write(json.dumps(header, ensure_ascii=False).encode() + b"\n")
    out.write(artefact)
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The category classifier: train from (text, code) pairs, evaluate on a held-out share,
serialise, and predict. Pure computation: no database and no Django here (see services,
training and suggest); in production train() runs in a child process (train_child).

Model: hashed character 1–3-grams (textfeatures) → the most frequent hashed columns with
idf weights → a linear model (SGD, logistic loss) over the categories staff gave the cases,
sub-categories included. The top-level category of a prediction is its code's first two
characters; accuracy is reported at that level (docs/decisions.md, "Category suggestion").

Training streams, so its memory does not grow with the number of samples (issue 17): one
pass hashes CHUNK texts at a time into files of a temporary directory and counts document
frequencies; the kept columns are chosen; then SGD runs `epochs` passes over the stored
chunks (partial_fit, chunk order shuffled per epoch) and the held-out chunks are scored.
"""

from __future__ import annotations

import io
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import joblib
import numpy as np
from scipy import sparse
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import Pipeline

from .textfeatures import Reweight, hasher
from .training import NotEnoughData, TrainMetrics, TrainParams

__all__ = ["NotEnoughData", "TrainParams", "TrainResult", "train", "dumps", "loads", "rank"]

CHUNK = 10_000  # texts hashed, and rows stored, at a time
JOBS = min(2, os.cpu_count() or 1)  # SGD fits its one-vs-rest models on this many threads


@dataclass
class TrainResult(TrainMetrics):
    pipeline: Pipeline = field(kw_only=True)


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


class _Chunks:
    """Hashed rows on disk, CHUNK at a time, with each row's code as a small integer."""

    def __init__(self, directory: Path, name: str):
        self.directory, self.name = directory, name
        self.texts: list[str] = []
        self.code_ids: list[int] = []
        self.labels: list[np.ndarray] = []  # code ids per stored chunk
        self.rows = 0

    def add(self, text: str, code_id: int, h, df: np.ndarray | None) -> None:
        self.texts.append(text)
        self.code_ids.append(code_id)
        if len(self.texts) == CHUNK:
            self.flush(h, df)

    def flush(self, h, df: np.ndarray | None) -> None:
        if not self.texts:
            return
        X = h.transform(self.texts)  # canonical CSR: one entry per (row, column)
        if df is not None:
            df += np.bincount(X.indices, minlength=X.shape[1])
        sparse.save_npz(self._path(len(self.labels)), X, compressed=False)
        self.labels.append(np.asarray(self.code_ids, dtype=np.int32))
        self.rows += len(self.texts)
        self.texts, self.code_ids = [], []

    def _path(self, k: int) -> Path:
        return self.directory / f"{self.name}-{k}.npz"

    def load(self, k: int) -> sparse.csr_matrix:
        return sparse.load_npz(self._path(k)).tocsr()

    def __len__(self) -> int:
        return len(self.labels)


def train(samples: Iterable[tuple[str, str]], params: TrainParams | None = None) -> TrainResult:
    """Fit a pipeline on `samples`; every `heldout_every`-th one is kept out and scored."""
    params = params or TrainParams()
    started = time.perf_counter()
    h = hasher(params.n_features)
    with tempfile.TemporaryDirectory(prefix="gongzhi-train-") as tmp:
        fit, held = _Chunks(Path(tmp), "train"), _Chunks(Path(tmp), "heldout")
        df = np.zeros(params.n_features, dtype=np.int64)
        ids: dict[str, int] = {}
        counts: Counter[int] = Counter()
        i = 0
        for text, code in samples:
            if not (text and code):
                continue
            code_id = ids.setdefault(code, len(ids))
            counts[code_id] += 1
            if i % params.heldout_every == 0:
                held.add(text, code_id, h, None)
            else:
                fit.add(text, code_id, h, df)
            i += 1
        fit.flush(h, df)
        held.flush(h, None)
        # a code with fewer than min_class samples (held-out ones included) trains as its top
        merged = np.array([c if counts[k] >= params.min_class else c[:2] for c, k in ids.items()])
        used = np.unique(np.concatenate(fit.labels)) if fit.labels else np.array([], np.int32)
        classes = np.unique(merged[used])
        if len(classes) < 2:
            raise NotEnoughData("need at least two categories to learn from")
        reweight = _reweight(df, fit.rows, params)
        clf = _fit_sgd(fit, merged, classes, reweight, params)
        pipeline = Pipeline([("hash", h), ("select", reweight), ("model", clf)])
        result = TrainResult(
            pipeline=pipeline,
            classes=[str(c) for c in clf.classes_],
            trained_on=fit.rows,
            heldout_size=held.rows,
            accuracy=None,
            leaf_accuracy=None,
        )
        if held.rows:
            tally = _Tally()
            for k in range(len(held)):
                tally.add(merged[held.labels[k]], clf.predict(reweight.transform(held.load(k))))
            _report_into(result, tally.report())
    result.seconds = time.perf_counter() - started
    result.peak_memory_mb = peak_rss_mb()
    return result


def _fit_sgd(
    fit: _Chunks, merged: np.ndarray, classes: np.ndarray, reweight: Reweight, params: TrainParams
) -> SGDClassifier:
    """`epochs` passes of one-vs-rest SGD over the stored chunks, in a new order each pass;
    the learning rate decays over all of them as one fit() over the whole matrix would."""
    clf = SGDClassifier(
        loss="log_loss",
        alpha=params.alpha,
        max_iter=params.epochs,
        tol=None,
        random_state=params.seed,
        n_jobs=JOBS,
    )
    rng = np.random.default_rng(params.seed)
    step = 0
    for _epoch in range(params.epochs):
        for k in rng.permutation(len(fit)):
            clf.random_state = params.seed + step  # a new in-chunk shuffle every call
            X = reweight.transform(fit.load(k))
            clf.partial_fit(X, merged[fit.labels[k]], classes=classes if step == 0 else None)
            step += 1
    # float32 weights: half the artefact, no measurable change in accuracy. Column-major,
    # so that X @ coef_.T reads a C-contiguous matrix: 8× faster per suggestion, no copy.
    clf.coef_ = np.asfortranarray(clf.coef_, dtype=np.float32)
    clf.intercept_ = clf.intercept_.astype(np.float32)
    clf.random_state, clf.n_jobs = params.seed, None
    return clf


def _reweight(df: np.ndarray, rows: int, params: TrainParams) -> Reweight:
    """Keep the `max_features` columns in the most documents (at least min_df), idf-weighted."""
    keep = np.flatnonzero(df >= params.min_df)
    if len(keep) == 0:
        raise NotEnoughData("no feature occurs in two texts")
    keep = np.sort(keep[np.argsort(-df[keep], kind="stable")[: params.max_features]])
    idf = np.log((1 + rows) / (1 + df[keep])) + 1.0
    return Reweight(keep=keep.astype(np.int32), weights=idf.astype(np.float32))


class _Tally:
    """Top-level confusion counts and exact matches, added to chunk by chunk."""

    def __init__(self) -> None:
        self.pairs: Counter[tuple[str, str]] = Counter()
        self.exact = 0
        self.n = 0

    def add(self, true: Iterable, predicted: Iterable) -> None:
        for t, p in zip(true, predicted, strict=True):
            t, p = str(t), str(p)
            self.pairs[t[:2], p[:2]] += 1
            self.exact += t == p
            self.n += 1

    def report(self) -> dict:
        labels = sorted({t for t, _p in self.pairs} | {p for _t, p in self.pairs})
        index = {c: i for i, c in enumerate(labels)}
        matrix = [[0] * len(labels) for _ in labels]
        for (t, p), count in self.pairs.items():
            matrix[index[t]][index[p]] += count
        n = self.n or 1
        top = sum(count for (t, p), count in self.pairs.items() if t == p)
        return {
            "accuracy": top / n,
            "leaf_accuracy": self.exact / n,
            "labels": labels,
            "confusion": matrix,
        }


def _report_into(result: TrainResult, report: dict) -> None:
    result.accuracy, result.leaf_accuracy = report["accuracy"], report["leaf_accuracy"]
    result.labels, result.confusion = report["labels"], report["confusion"]


def evaluate_into(result: TrainResult, texts: list[str], codes: list[str]) -> None:
    predicted = [str(p) for p in result.pipeline.predict(texts)]
    _report_into(result, scores(codes, predicted))


def scores(true: list[str], predicted: list[str]) -> dict:
    """Top-level accuracy, exact-code accuracy and the top-level confusion matrix."""
    if len(true) != len(predicted):
        raise ValueError("true and predicted differ in length")
    tally = _Tally()
    tally.add(true, predicted)
    return tally.report()


# --- the artefact ------------------------------------------------------------------------


def dumps(pipeline: Pipeline) -> bytes:
    buf = io.BytesIO()
    joblib.dump(pipeline, buf, compress=3)
    return buf.getvalue()


def loads(blob: bytes) -> Pipeline:
    """Only ever called on bytes this module wrote into ModelVersion.artefact (a column no
    form or API writes), never on anything uploaded."""
    return joblib.load(io.BytesIO(bytes(blob)))  # noqa: S301 - our own artefact


def rank(pipeline: Pipeline, text: str) -> list[tuple[str, float]]:
    """(code, probability) for every class, most likely first."""
    proba = pipeline.predict_proba([text])[0]
    classes = pipeline.classes_
    order = np.argsort(-proba, kind="stable")
    return [(str(classes[i]), float(proba[i])) for i in order]

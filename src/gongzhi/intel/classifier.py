"""The category classifier: train from (text, code) pairs, evaluate on a held-out share,
serialise, and predict. Pure computation: no database here (see services and suggest).

Model: hashed character 1–3-grams (textfeatures) → the most frequent hashed columns with
idf weights → a linear model (SGD, logistic loss) over the categories staff gave the cases,
sub-categories included. The top-level category of a prediction is its code's first two
characters; accuracy is reported at that level (docs/decisions.md, "Category suggestion").
"""

from __future__ import annotations

import io
import resource
import sys
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import joblib
import numpy as np
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import SGDClassifier
from sklearn.pipeline import Pipeline

from .textfeatures import Reweight, hasher

CHUNK = 5000  # texts hashed at a time


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


@dataclass
class TrainResult:
    pipeline: Pipeline
    classes: list[str]
    trained_on: int
    heldout_size: int
    accuracy: float | None
    leaf_accuracy: float | None
    labels: list[str] = field(default_factory=list)
    confusion: list[list[int]] = field(default_factory=list)
    seconds: float = 0.0
    peak_memory_mb: float | None = None


class NotEnoughData(ValueError):
    """Fewer than two categories (or no text) to learn from."""


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _hash_all(h, texts: list[str]) -> sparse.csr_matrix:
    parts = [h.transform(texts[i : i + CHUNK]) for i in range(0, len(texts), CHUNK)]
    return sparse.vstack(parts, format="csr") if parts else sparse.csr_matrix((0, h.n_features))


def _merge_rare(codes: list[str], min_class: int) -> list[str]:
    counts: dict[str, int] = {}
    for c in codes:
        counts[c] = counts.get(c, 0) + 1
    return [c if counts[c] >= min_class else c[:2] for c in codes]


def train(samples: Iterable[tuple[str, str]], params: TrainParams | None = None) -> TrainResult:
    """Fit a pipeline on `samples`; every `heldout_every`-th one is kept out and scored."""
    params = params or TrainParams()
    started = time.perf_counter()
    texts, codes = [], []
    for text, code in samples:
        if text and code:
            texts.append(text)
            codes.append(code)
    codes = _merge_rare(codes, params.min_class)
    test = [i for i in range(len(texts)) if i % params.heldout_every == 0]
    test_set = set(test)
    train_idx = [i for i in range(len(texts)) if i not in test_set]
    y = [codes[i] for i in train_idx]
    if len(set(y)) < 2:
        raise NotEnoughData("need at least two categories to learn from")
    h = hasher(params.n_features)
    X = _hash_all(h, [texts[i] for i in train_idx])
    reweight = _fit_reweight(X, params)
    Xt = reweight.transform(X)
    del X
    clf = SGDClassifier(
        loss="log_loss",
        alpha=params.alpha,
        max_iter=params.epochs,
        tol=None,
        random_state=params.seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # fixed epochs on purpose
        clf.fit(Xt, y)
    del Xt
    # float32 weights: half the artefact, no measurable change in accuracy. Column-major,
    # so that X @ coef_.T reads a C-contiguous matrix: 8× faster per suggestion, no copy.
    clf.coef_ = np.asfortranarray(clf.coef_, dtype=np.float32)
    clf.intercept_ = clf.intercept_.astype(np.float32)
    pipeline = Pipeline([("hash", h), ("select", reweight), ("model", clf)])
    result = TrainResult(
        pipeline=pipeline,
        classes=[str(c) for c in clf.classes_],
        trained_on=len(train_idx),
        heldout_size=len(test),
        accuracy=None,
        leaf_accuracy=None,
    )
    if test:
        evaluate_into(result, [texts[i] for i in test], [codes[i] for i in test])
    result.seconds = time.perf_counter() - started
    result.peak_memory_mb = _peak_rss_mb()
    return result


def _fit_reweight(X: sparse.csr_matrix, params: TrainParams) -> Reweight:
    """Keep the `max_features` columns in the most documents (at least min_df), idf-weighted."""
    X = X.tocsr()
    df = np.bincount(X.indices, minlength=X.shape[1])
    keep = np.flatnonzero(df >= params.min_df)
    if len(keep) == 0:
        raise NotEnoughData("no feature occurs in two texts")
    keep = np.sort(keep[np.argsort(-df[keep], kind="stable")[: params.max_features]])
    idf = np.log((1 + X.shape[0]) / (1 + df[keep])) + 1.0
    return Reweight(keep=keep.astype(np.int32), weights=idf.astype(np.float32))


def evaluate_into(result: TrainResult, texts: list[str], codes: list[str]) -> None:
    predicted = [str(p) for p in result.pipeline.predict(texts)]
    report = scores(codes, predicted)
    result.accuracy, result.leaf_accuracy = report["accuracy"], report["leaf_accuracy"]
    result.labels, result.confusion = report["labels"], report["confusion"]


def scores(true: list[str], predicted: list[str]) -> dict:
    """Top-level accuracy, exact-code accuracy and the top-level confusion matrix."""
    labels = sorted({c[:2] for c in true} | {c[:2] for c in predicted})
    index = {c: i for i, c in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for t, p in zip(true, predicted, strict=True):
        matrix[index[t[:2]]][index[p[:2]]] += 1
    n = len(true) or 1
    return {
        "accuracy": sum(t[:2] == p[:2] for t, p in zip(true, predicted, strict=True)) / n,
        "leaf_accuracy": sum(t == p for t, p in zip(true, predicted, strict=True)) / n,
        "labels": labels,
        "confusion": matrix,
    }


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

"""Character n-gram features of Chinese text for the classifier: the normalisation of
ngrams.normalize, no word segmentation (no dictionary to ship).

Hashing (not a vocabulary) keeps memory bounded whatever the corpus size; the classifier
then keeps only the most frequent hashed columns (see Reweight), so its artefact stays small.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import HashingVectorizer

from .ngrams import normalize


def hasher(n_features: int) -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(1, 3),
        n_features=n_features,
        alternate_sign=False,
        norm=None,
        preprocessor=normalize,
        dtype=np.float32,
    )


class Reweight(BaseEstimator, TransformerMixin):
    """Keep the chosen hashed columns, damp repeated n-grams (1 + log tf), weight by idf,
    and scale each row to unit length. Fitted by the trainer, not by fit().

    The column look-up is a dense array (hashed column → kept column or -1) built on first
    use: scipy's fancy column indexing costs milliseconds per call, this costs microseconds."""

    def __init__(self, keep=None, weights=None):
        self.keep = keep
        self.weights = weights

    def fit(self, X, y=None):
        return self

    def _lookup(self, n_features: int) -> np.ndarray:
        table = getattr(self, "_table", None)
        if table is None or len(table) != n_features:
            table = np.full(n_features, -1, dtype=np.int64)
            table[self.keep] = np.arange(len(self.keep))
            self._table = table
        return table

    def transform(self, X):
        X = sparse.csr_matrix(X)
        mapped = self._lookup(X.shape[1])[X.indices]
        kept = mapped >= 0
        indptr = np.concatenate(([0], np.cumsum(kept)))[X.indptr]
        indices = mapped[kept]
        data = (1.0 + np.log(X.data[kept])) * self.weights[indices]
        rows = np.repeat(np.arange(X.shape[0]), np.diff(indptr))
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=X.shape[0]))
        norms[norms == 0] = 1.0
        data = (data / norms[rows]).astype(np.float32)
        return sparse.csr_matrix((data, indices, indptr), shape=(X.shape[0], len(self.keep)))

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_table", None)  # derived: rebuilt after loading, not stored in the artefact
        return state

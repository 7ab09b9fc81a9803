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
        analyzer="char_wb", ngram_range=(1, 3), n_features=n_features, alternate_sign=False,
        norm=None, preprocessor=normalize, dtype=np.float32,
    )  # fmt: skip


class Reweight(BaseEstimator, TransformerMixin):
    """Keep the chosen hashed columns, damp repeated n-grams (1 + log tf), weight by idf,
    and scale each row to unit length. Fitted by the trainer, not by fit()."""

    def __init__(self, keep=None, weights=None):
        self.keep = keep
        self.weights = weights

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        X = sparse.csr_matrix(X)[:, self.keep].astype(np.float32)
        X.data = 1.0 + np.log(X.data)
        X = X @ sparse.diags(self.weights.astype(np.float32))
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ X, dtype=np.float32)

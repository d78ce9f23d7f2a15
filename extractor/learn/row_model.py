"""The learned row model: a classifier of printed labels into template items, and the
:class:`LearnedScorer` that feeds its probabilities to the ordered alignment.

:class:`RowClassifier` follows scikit-learn's estimator rules: parameters in ``__init__``,
``fit`` returns self, learned attributes end in ``_`` (``feature_names_``, ``classes_``,
``coef_``, ``intercept_``), ``predict_proba`` gives the probabilities. Its samples are the
named-feature dicts of :func:`extractor.learn.features.row_features`; ``feature_names_`` is
the one ordered list of the columns of ``coef_``. Fitting uses scikit-learn's
``LogisticRegression`` (multinomial, lbfgs: deterministic); prediction is plain numpy on the
learned arrays, so a saved model (arrays + JSON, :mod:`extractor.learn.store`) needs no pickle.

:class:`LearnedScorer` is a :class:`extractor.rows.Scorer`: for each label and each template
item, the probability that the label is that item, among the items of the document's
template and "no row" (:data:`features.NONE`), or the transparent similarity times
:data:`SIMILARITY_WEIGHT` where that is higher. So context can raise a label whose text is
damaged or cut, while a label whose text plainly names a row keeps nearly its plain score
(the pieces of a label wrapped over many lines are the case where the probabilities alone,
learned from generated layouts, were found to mislead on a real report). The dynamic
programme of :func:`extractor.rows.align` still chooses the order-preserving matching; an
item whose class the model never saw gets the transparent similarity.
"""

from __future__ import annotations

from itertools import chain, repeat
from typing import Mapping, Optional, Sequence

import numpy as np
from scipy import sparse
from threadpoolctl import threadpool_limits

from ..rows import Item, LabelScorer
from .estimator import Estimator
from .features import NONE, LabelContext, context_features, item_class, ngram_names, sequence_hints

MIN_NGRAM_COUNT = 2  # an n-gram seen in fewer training labels is dropped
ROW_MIN_SCORE = 0.3  # smallest score the alignment takes a label for an item
BLAS_THREADS = 1  # BLAS threads while fitting (more were slower on a busy machine)
SIMILARITY_WEIGHT = 0.9  # the transparent similarity, so weighted, is a floor under the probability
ONES_CACHE = 20_000  # sets of n-gram names whose scores are kept (see decision_function)


class RowClassifier(Estimator):
    """Multinomial logistic regression over named features.

    Parameters
    ----------
    C : inverse L2 regularisation strength.
    max_iter, tol : of the lbfgs solver.
    min_count : n-gram features (``ng:``) seen in fewer samples are dropped.
    """

    def __init__(self, C: float = 4.0, max_iter: int = 400, tol: float = 1e-4,
                 min_count: int = MIN_NGRAM_COUNT):
        self.C = C
        self.max_iter = max_iter
        self.tol = tol
        self.min_count = min_count

    def fit(self, X: Sequence[Mapping[str, float]], y: Sequence[str], sample_weight=None) -> "RowClassifier":
        from sklearn.linear_model import LogisticRegression

        if len(X) != len(y) or not len(X):
            raise ValueError(f"RowClassifier.fit: {len(X)} samples and {len(y)} labels")
        counts: dict[str, int] = {}
        for x in X:
            for name in x:
                counts[name] = counts.get(name, 0) + 1
        keep = sorted(n for n, c in counts.items() if not n.startswith("ng:") or c >= self.min_count)
        self.feature_names_ = keep
        self.vocabulary_ = {n: i for i, n in enumerate(keep)}
        classes = sorted(set(y))
        if len(classes) < 2:
            raise ValueError("RowClassifier.fit: training labels hold a single class")
        lr = LogisticRegression(C=self.C, max_iter=self.max_iter, tol=self.tol)
        with threadpool_limits(BLAS_THREADS):  # one BLAS thread: faster here, and reproducible
            lr.fit(self._matrix(X), np.asarray(y), sample_weight=sample_weight)
        coef, intercept = lr.coef_, lr.intercept_
        if coef.shape[0] == 1:  # two classes: sigmoid as a softmax over (0, w·x + b)
            coef = np.vstack([np.zeros_like(coef), coef])
            intercept = np.concatenate([[0.0], intercept])
        self.__dict__.pop("_coef_t", None)  # the cached transpose of an earlier fit
        self.__dict__.pop("_ones_scores", None)
        self.classes_ = np.asarray(lr.classes_)
        self.coef_ = coef.astype(np.float32)
        self.intercept_ = intercept.astype(np.float32)
        self.n_iter_ = int(np.max(lr.n_iter_))
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(self.feature_names_, dtype=object)

    def _matrix(self, X: Sequence[Mapping[str, float]]) -> sparse.csr_matrix:
        counts = [len(x) for x in X]
        total = sum(counts)
        cols = np.fromiter(map(self.vocabulary_.get, chain.from_iterable(X), repeat(-1)), dtype=np.int64, count=total)
        vals = np.fromiter(chain.from_iterable(x.values() for x in X), dtype=np.float64, count=total)
        known = cols >= 0  # names outside the vocabulary are dropped
        rows = np.repeat(np.arange(len(X)), counts)[known]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(X)))])
        m = sparse.csr_matrix((vals[known], cols[known], indptr), shape=(len(X), len(self.vocabulary_)))
        m.sum_duplicates()
        return m

    def _transposed(self) -> np.ndarray:
        """``coef_`` transposed (features × classes), kept until the next fit."""
        coef_t = self.__dict__.get("_coef_t")
        if coef_t is None or coef_t.shape != self.coef_.T.shape:
            coef_t = self.__dict__["_coef_t"] = np.ascontiguousarray(self.coef_.T, dtype=np.float64)
            self.__dict__["_ones_scores"] = {}
        return coef_t

    def decision_function(self, X: Sequence[Mapping[str, float]],
                          ones: Optional[Sequence[tuple[str, ...]]] = None) -> np.ndarray:
        """Scores of the samples ``X``. ``ones``, if given, holds per sample more feature names
        of value 1 (none of them in its dict, none twice): a label's n-grams, which recur
        across documents, so their part of the score is worked out once per set of names."""
        coef_t = self._transposed()
        z = np.asarray(self._matrix(X) @ coef_t) + self.intercept_
        if ones is not None and len(X):
            z += np.array([self._ones_score(names, coef_t) for names in ones]).reshape(len(X), -1)
        return z

    def _ones_score(self, names: tuple[str, ...], coef_t: np.ndarray) -> np.ndarray:
        cache = self.__dict__["_ones_scores"]
        z = cache.get(names)
        if z is None:
            cols = sorted({self.vocabulary_[n] for n in names if n in self.vocabulary_})
            z = coef_t[cols].sum(axis=0)
            if len(cache) >= ONES_CACHE:
                cache.clear()
            cache[names] = z
        return z

    def predict_proba(self, X: Sequence[Mapping[str, float]],
                      ones: Optional[Sequence[tuple[str, ...]]] = None) -> np.ndarray:
        z = self.decision_function(X, ones)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    def predict(self, X: Sequence[Mapping[str, float]]) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]


class LearnedScorer:
    """Emission scores of the ordered alignment from a fitted :class:`RowClassifier`.

    Without ``context`` (a caller that does not give it) the transparent scores are returned."""

    uses_context = True
    min_score = ROW_MIN_SCORE

    def __init__(self, classifier: RowClassifier, similarity_weight: float = SIMILARITY_WEIGHT):
        self.classifier = classifier
        self.similarity_weight = similarity_weight
        self._index = {c: i for i, c in enumerate(classifier.classes_)}
        self._transparent = LabelScorer()

    def __call__(self, observed: Sequence[str], items: Sequence[Item],
                 context: Optional[Sequence[LabelContext]] = None) -> list[list[float]]:
        return self.matrix(observed, items, context).tolist()

    def matrix(self, observed: Sequence[str], items: Sequence[Item],
               context: Optional[Sequence[LabelContext]] = None) -> np.ndarray:
        """The scores of :meth:`__call__` as an array (observed × items)."""
        if context is None or not observed:
            return self._transparent.matrix(observed, items)
        sims = self._transparent.matrix(observed, items)
        names, sub = self._matrix_of(observed, items, context, sims)
        col = {c: k for k, c in enumerate(names)}
        s = np.asarray(sims, dtype=np.float64)
        out = s.copy()  # items the model never saw keep the transparent similarity
        known = [(j, col[c]) for j, c in enumerate(item_class(it) for it in items) if c in col]
        if known:
            js, ks = map(list, zip(*known))
            out[:, js] = np.maximum(sub[:, ks], self.similarity_weight * s[:, js])
        return out

    def probabilities(self, observed: Sequence[str], items: Sequence[Item], context: Sequence[LabelContext],
                      sims: Optional[list[list[float]]] = None) -> list[dict[str, float]]:
        """Per label: class -> probability among the template's classes the model knows and
        "no row" (renormalised: classes of the other template are impossible)."""
        names, sub = self._matrix_of(observed, items, context, sims)
        return [dict(zip(names, r.tolist())) for r in sub]

    def _matrix_of(self, observed, items, context, sims) -> tuple[list[str], np.ndarray]:
        if sims is None:
            sims = self._transparent.matrix(observed, items)
        hints = sequence_hints(observed, items, sims, context)
        X = [context_features(k, c, h) for k, c, h in zip(observed, context, hints)]
        p = self.classifier.predict_proba(X, [ngram_names(k) for k in observed])
        allowed = sorted({self._index[c] for c in (item_class(it) for it in items) if c in self._index}
                         | ({self._index[NONE]} if NONE in self._index else set()))
        sub = p[:, allowed]
        sub = sub / np.maximum(sub.sum(axis=1, keepdims=True), 1e-12)
        return [str(self.classifier.classes_[k]) for k in allowed], sub

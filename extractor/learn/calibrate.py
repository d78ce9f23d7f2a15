"""Calibrated field confidence, and the review threshold chosen for a target precision.

:class:`FieldCalibrator` maps the evidence behind a field (row match, how its columns were
read, table evidence, reader confidence, rules confirmed or broken, agreement between the
readings of an unsettled row, whether it was inferred …: :data:`features.CAL_FEATURES`) to
the probability that the field's value is right. Two steps, fitted on documents the row model
did not learn from, split in two by document:

1. a logistic regression over the named evidence (fitted on the first half), then
2. isotonic regression of its output against rightness (fitted on the second half), so that
   among fields given confidence c, a share c is right (what ``extractor eval``'s reliability
   table and ECE measure).

:func:`choose_threshold` then picks the review threshold: the lowest confidence at which the
fields that would get status ``ok`` are right at least :data:`TARGET_OK_PRECISION` of the time
(on held-out data), so the threshold follows from the target, not from the eye; it is never
below :data:`MIN_THRESHOLD`.
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from .estimator import Estimator
from .features import CAL_FEATURES, calibration_matrix

TARGET_OK_PRECISION = 0.999  # share of ok fields that must be right
MIN_OK_SUPPORT = 200  # a threshold is judged on at least this many would-be ok fields
PRECISION_MARGIN = 0.0  # extra precision asked of the held-out data (0: the target itself)
MIN_THRESHOLD = 0.5  # and never below: a field more likely wrong than right is never ok


class FieldCalibrator(Estimator):
    """Evidence dict → calibrated probability that the field is right.

    Parameters
    ----------
    C : inverse L2 regularisation of the logistic step.
    max_iter : of its lbfgs solver.
    """

    def __init__(self, C: float = 1.0, max_iter: int = 2000):
        self.C = C
        self.max_iter = max_iter

    def fit(self, X: Sequence[Mapping], y: Sequence[bool], groups: Optional[Sequence] = None,
            sample_weight: Optional[Sequence[float]] = None) -> "FieldCalibrator":
        """``X``: evidence dicts; ``y``: whether each field was right; ``groups``: the document
        of each field (the two steps are fitted on alternate documents; without groups, on
        alternate fields); ``sample_weight``: how much each field counts."""
        from sklearn.isotonic import IsotonicRegression
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(y, dtype=bool)
        w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        if len(X) != len(y) or not len(y):
            raise ValueError(f"FieldCalibrator.fit: {len(X)} samples and {len(y)} labels")
        if y.all() or not y.any():
            raise ValueError("FieldCalibrator.fit: needs both right and wrong fields")
        first = _halves(groups if groups is not None else range(len(y)))
        V = self._vectors(X)
        self.feature_names_ = list(CAL_FEATURES)
        lr = LogisticRegression(C=self.C, max_iter=self.max_iter)
        a, b = first, ~first
        if y[a].all() or not y[a].any() or not b.any():
            a = b = np.ones(len(y), dtype=bool)  # too little data to split
        with threadpool_limits(1):
            lr.fit(V[a], y[a], sample_weight=w[a])
        self.coef_ = lr.coef_[0].astype(np.float64)
        self.intercept_ = float(lr.intercept_[0])
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
        iso.fit(self._score(V[b]), y[b].astype(float), sample_weight=w[b])
        self.iso_x_ = np.asarray(iso.X_thresholds_, dtype=np.float64)
        self.iso_y_ = np.asarray(iso.y_thresholds_, dtype=np.float64)
        self.classes_ = np.array([False, True])
        return self

    def _vectors(self, X: Sequence[Mapping]) -> np.ndarray:
        return calibration_matrix(X)

    def _score(self, V: np.ndarray) -> np.ndarray:
        return V @ self.coef_ + self.intercept_

    def predict_proba(self, X: Sequence[Mapping]) -> np.ndarray:
        p = np.interp(self._score(self._vectors(X)), self.iso_x_, self.iso_y_)
        return np.column_stack([1 - p, p])

    def predict(self, X: Sequence[Mapping]) -> np.ndarray:
        return self.predict_proba(X)[:, 1] >= 0.5

    def confidences(self, evidence: Sequence[Mapping]) -> list[float]:
        """The hook :func:`extractor.fields.build_fields` calls: one confidence per field."""
        if not len(evidence):
            return []
        return [float(p) for p in self.predict_proba(evidence)[:, 1]]


def _halves(groups: Sequence) -> np.ndarray:
    """True for samples of the first half: groups in order of appearance, alternating."""
    order: dict = {}
    for g in groups:
        order.setdefault(g, len(order))
    return np.asarray([order[g] % 2 == 0 for g in groups], dtype=bool)


def choose_threshold(confidence: Sequence[float], right: Sequence[bool], ok_candidate: Sequence[bool],
                     target: float = TARGET_OK_PRECISION, min_support: int = MIN_OK_SUPPORT,
                     weight: Optional[Sequence[float]] = None) -> float:
    """The lowest threshold t such that, among the fields that would be ``ok`` at t (those
    marked ``ok_candidate``: printed, settled, with a value, and confidence ≥ t), the share
    right is at least ``target`` (+ :data:`PRECISION_MARGIN`), and not below :data:`MIN_THRESHOLD`;
    1.0 when no t reaches the target."""
    c = np.asarray(confidence, dtype=float)
    r = np.asarray(right, dtype=bool)
    m = np.asarray(ok_candidate, dtype=bool)
    w = np.ones(len(c)) if weight is None else np.asarray(weight, dtype=float)
    c, r, w = c[m], r[m], w[m]
    if not len(c):
        return 1.0
    order = np.argsort(-c, kind="stable")
    c, r, w = c[order], r[order], w[order]
    precision = 1 - np.cumsum(w * ~r) / np.cumsum(w)
    n = np.arange(1, len(c) + 1)
    # thresholds are the distinct confidence values; fields tied at a value stand or fall together
    last_of_value = np.r_[c[1:] != c[:-1], True]
    good = last_of_value & (precision >= target + PRECISION_MARGIN) & (n >= min(min_support, len(c)))
    idx = np.flatnonzero(good)
    return max(float(c[idx[-1]]), MIN_THRESHOLD) if len(idx) else 1.0

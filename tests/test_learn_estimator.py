"""The learned models follow scikit-learn's estimator protocol without importing it to extract."""

import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.base import clone

from extractor.learn.calibrate import FieldCalibrator
from extractor.learn.row_model import RowClassifier


def test_parameters_are_the_init_arguments():
    rc = RowClassifier(C=2.0, max_iter=50)
    assert rc.get_params() == {"C": 2.0, "max_iter": 50, "min_count": 2, "tol": 1e-4}
    assert rc.set_params(tol=1e-3) is rc and rc.tol == 1e-3
    with pytest.raises(ValueError, match="no parameter 'alpha'"):
        rc.set_params(alpha=1.0)
    assert repr(rc) == "RowClassifier(C=2.0, max_iter=50, tol=0.001)"
    assert repr(FieldCalibrator()) == "FieldCalibrator()"


def test_scikit_learn_clones_them():
    rc = RowClassifier(C=3.0)
    twin = clone(rc)
    assert twin is not rc and twin.get_params() == rc.get_params()
    assert clone(FieldCalibrator(C=0.5)).get_params() == {"C": 0.5, "max_iter": 2000}


def test_extracting_with_the_shipped_model_leaves_scikit_learn_out():
    code = ("import sys; from extractor.pipeline import extract; "
            "r = extract('tests/data/real/101.pdf'); "
            "print(r['document']['model_version'] != 'hand-made', 'sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parent.parent).stdout.split()
    assert out == ["True", "False"]

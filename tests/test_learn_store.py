"""Model artifacts: save/load round trip, versions, refusal of incompatible or damaged models."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.base import clone

from extractor.learn import store
from extractor.learn.calibrate import FieldCalibrator, choose_threshold
from extractor.learn.features import NONE
from extractor.learn.row_model import RowClassifier
from extractor.learn.store import Model, ModelError, ModelVersionError, load, save


def small_row_classifier() -> RowClassifier:
    X = [{"ng:予以": 1.0, "ng:公开": 1.0, "vals:7": 1.0}, {"ng:部分": 1.0, "ng:公开": 1.0, "vals:7": 1.0},
         {"ng:自然": 1.0, "vals:0": 1.0}, {"ng:予以": 1.0, "vals:7": 1.0}, {"ng:部分": 1.0, "vals:7": 1.0},
         {"ng:总计": 1.0, "vals:0": 1.0}]
    y = ["requests.granted", "requests.partially_granted", NONE, "requests.granted",
         "requests.partially_granted", NONE]
    return RowClassifier(min_count=1, max_iter=100).fit(X, y)


def small_calibrator() -> FieldCalibrator:
    rng = np.random.default_rng(0)
    ev, right = [], []
    for i in range(400):
        settled = bool(rng.random() < 0.8)
        hand = float(rng.uniform(0.3, 1.0))
        ev.append({"row": hand, "columns": "count" if settled else "ambiguous", "table": 1.0, "hand": hand,
                   "settled": settled, "agree": 1.0 if settled else 0.5, "readings": 1 if settled else 5,
                   "table_id": "requests", "kind": "text"})
        right.append(bool(rng.random() < (0.99 if settled else 0.5)))
    return FieldCalibrator().fit(ev, right, groups=[i // 20 for i in range(400)])


@pytest.fixture(scope="module")
def model() -> Model:
    return Model(small_row_classifier(), small_calibrator(), 0.9, card={"date": "test"})


def test_estimators_follow_scikit_learn_rules():
    rc = RowClassifier(C=2.0)
    assert rc.get_params() == {"C": 2.0, "max_iter": 400, "min_count": 2, "tol": 1e-4}
    assert clone(rc).get_params() == rc.get_params()
    fitted = small_row_classifier()
    assert fitted.classes_.tolist() == sorted(fitted.classes_.tolist())
    assert fitted.coef_.shape == (len(fitted.classes_), len(fitted.feature_names_))
    p = fitted.predict_proba([{"ng:予以": 1.0, "vals:7": 1.0}])
    assert p.shape == (1, 3) and abs(p.sum() - 1) < 1e-9
    assert fitted.predict([{"ng:予以": 1.0, "vals:7": 1.0}])[0] == "requests.granted"
    assert list(fitted.get_feature_names_out()) == fitted.feature_names_ == sorted(fitted.feature_names_)


def test_round_trip_gives_the_same_model(tmp_path, model):
    save(model, tmp_path / "m")
    assert {p.name for p in (tmp_path / "m").iterdir()} == {"model.json", "model.npz", "MODEL_CARD.md"}
    back = load(tmp_path / "m")
    assert back.version == model.version and back.version.startswith("m1-")
    X = [{"ng:部分": 1.0, "vals:7": 1.0}, {"ng:总计": 1.0}]
    assert np.allclose(back.row_classifier.predict_proba(X), model.row_classifier.predict_proba(X))
    ev = [{"hand": 0.95, "row": 0.9, "columns": "count", "settled": True, "agree": 1.0, "table_id": "requests"}]
    assert back.calibrator.confidences(ev) == pytest.approx(model.calibrator.confidences(ev))
    assert back.threshold == model.threshold and back.calibrated_kinds == ("text", "html")
    assert "Model card" in (tmp_path / "m" / "MODEL_CARD.md").read_text(encoding="utf-8")


def test_same_content_same_version(tmp_path, model):
    save(model, tmp_path / "a")
    again = Model(model.row_classifier, model.calibrator, model.threshold, card={"date": "another day"})
    save(again, tmp_path / "b")
    assert again.version == model.version


def test_arrays_are_read_without_pickle(tmp_path, model):
    save(model, tmp_path / "m")
    with np.load(tmp_path / "m" / "model.npz", allow_pickle=False) as z:
        assert all(z[k].dtype != object for k in z.files)


@pytest.mark.parametrize("key,value,words", [
    ("format", 99, "format 99"),
    ("features", "rows-v0", "trained on features 'rows-v0'"),
])
def test_incompatible_model_is_refused_with_a_clear_error(tmp_path, model, key, value, words):
    save(model, tmp_path / "m")
    meta_path = tmp_path / "m" / "model.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta[key] = value
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelVersionError) as e:
        load(tmp_path / "m")
    assert words in str(e.value) and "extractor train" in str(e.value)


def test_changed_arrays_are_refused(tmp_path, model):
    save(model, tmp_path / "m")
    with np.load(tmp_path / "m" / "model.npz", allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["row_coef"] = arrays["row_coef"] * 2
    np.savez_compressed(tmp_path / "m" / "model.npz", **arrays)
    with pytest.raises(ModelError, match="does not match its version"):
        load(tmp_path / "m")


def test_missing_files_are_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="no model in"):
        load(tmp_path)


def test_default_model_switch(monkeypatch, tmp_path, model):
    store._load_cached.cache_clear()
    monkeypatch.setenv(store.ENV_VAR, "none")
    assert store.default_model() is None
    save(model, tmp_path / "m")
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "m"))
    assert store.default_model().version == model.version
    assert store.default_model() is store.default_model()  # loaded once
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "nothing"))
    with pytest.raises(ModelError):
        store.default_model()
    store._load_cached.cache_clear()


def test_threshold_from_target_precision():
    conf = [0.99] * 2000 + [0.7] * 100 + [0.6] * 50
    right = [True] * 1999 + [False] + [True] * 96 + [False] * 4 + [False] * 50
    cand = [True] * len(conf)
    # at 0.99: 1999/2000 right (99.95%); with the 0.7 group: 2095/2100 (99.76%); with 0.6: 95.4%
    assert choose_threshold(conf, right, cand, target=0.999, min_support=10) == 0.99
    assert choose_threshold(conf, right, cand, target=0.997, min_support=10) == 0.7
    assert choose_threshold(conf, right, cand, target=0.9999, min_support=10) == 1.0
    # never below MIN_THRESHOLD, even when everything is right
    assert choose_threshold([0.2, 0.3], [True, True], [True, True], min_support=1) == 0.5


def test_calibrator_is_monotone_in_the_evidence():
    cal = small_calibrator()
    base = {"row": 1.0, "columns": "count", "table": 1.0, "settled": True, "agree": 1.0, "table_id": "requests"}
    hi = cal.confidences([{**base, "hand": 0.99}])[0]
    lo = cal.confidences([{**base, "hand": 0.99, "settled": False, "agree": 0.5, "columns": "ambiguous"}])[0]
    assert 0.0 <= lo < hi <= 1.0

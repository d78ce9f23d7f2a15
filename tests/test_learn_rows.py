"""The learned row scorer inside the ordered alignment, labelling from known values, training
on a tiny generated set, and the pipeline with and without a model."""

from __future__ import annotations

import json

import pytest

from extractor.learn.features import NONE, LabelContext, item_class, label_contexts, row_features, sequence_hints
from extractor.learn.labelling import label_document, truth_known
from extractor.learn.row_model import LearnedScorer, RowClassifier
from extractor.learn.store import load
from extractor.pipeline import extract, row_inputs, run
from extractor.rows import LabelScorer, align, template_items
from extractor.template import label_key, load_templates

from .conftest import SEEDS, seed_paths, truth_for

T21 = load_templates()["2021"]
ITEMS = template_items(T21, ["requests"])


def test_labels_of_a_seed_from_its_truth():
    doc = SEEDS / "001_29ee529a4ac3a460.txt"
    labelled = label_document(str(doc), truth_known(truth_for(doc)))
    matched = [c for c in labelled.classes if c != NONE]
    assert "requests.new_received" in matched and "requests.carried_forward" in matched
    assert matched.index("requests.new_received") < matched.index("requests.carried_forward")
    assert len(labelled.features) == len(labelled.classes) == len(labelled.keys)
    header = labelled.keys.index("自然人")
    assert labelled.classes[header] == NONE


def test_features_are_named_and_include_context():
    keys = [label_key(x) for x in ["自然人", "一、本年新收政府信息公开申请数量", "(一)予以公开"]]
    ctx = [LabelContext(t, 3, v, v, True, 1, k / 3, bool(v), 1, v)
           for k, (t, v) in enumerate(zip(["自然人", "一、本年新收政府信息公开申请数量", "(一)予以公开"], [0, 7, 7]))]
    hints = sequence_hints(keys, ITEMS, LabelScorer()(keys, ITEMS), ctx)
    f = row_features(keys[2], ctx[2], hints[2])
    assert f["prev:requests.new_received"] == 1.0 and f["hint:requests.granted"] == 1.0
    assert f["sec:3"] == f["vals:7"] == f["num:paren_cn"] == 1.0 and "ng:予以" in f
    assert item_class(ITEMS[0]) == "requests.new_received"


def _scorer(docs) -> LearnedScorer:
    X = [x for d in docs for x in d.features]
    y = [c for d in docs for c in d.classes]
    return LearnedScorer(RowClassifier(max_iter=60).fit(X, y))


@pytest.fixture(scope="module")
def seed_scorer():
    """A row model fitted on four seeds; the fifth is held out."""
    docs = [label_document(str(p), truth_known(truth_for(p))) for p in seed_paths()[:4]]
    return _scorer(docs)


def test_learned_scorer_plugs_into_the_alignment(seed_scorer):
    held_out = seed_paths()[4]
    s = run(held_out, model=None)
    labels, items, keys, has_values = row_inputs(s)
    ctx = label_contexts(s.doc, s.tokens, s.sections, labels, keys, has_values)
    pairs = align(keys, items, seed_scorer, has_values, ctx)
    rows = {items[j].row for _, j, _ in pairs if items[j].row}
    assert {"new_received", "carried_over", "granted", "total", "carried_forward"} <= rows
    # without context the learned scorer gives the transparent scores
    assert seed_scorer(keys[:3], items) == LabelScorer()(keys[:3], items)
    result = extract(held_out, scorer=seed_scorer, model=None)
    truth = truth_for(held_out)
    assert all(result["fields"][f]["value"] == v for f, v in truth["fields"].items())


@pytest.mark.parametrize("path", seed_paths(), ids=lambda p: p.name)
def test_seeds_without_a_model(path):
    result = extract(path, model=None)
    truth = truth_for(path)
    assert result["document"]["model_version"] == "hand-made"
    assert all(result["fields"][f]["value"] == v for f, v in truth["fields"].items())


def test_shipped_model_is_recorded_in_results():
    from extractor.learn.store import default_model
    model = default_model()
    if model is None:
        pytest.skip("no default model (none shipped, or EXTRACTOR_MODEL=none)")
    result = extract(seed_paths()[0])
    assert result["document"]["model_version"] == model.version
    assert model.row_classifier is not None and model.calibrator is not None
    assert 0.5 <= model.threshold <= 1.0


@pytest.mark.slow
def test_training_on_a_tiny_generated_set(tmp_path):
    from training.train import TrainConfig, train
    cfg = TrainConfig(n_train=14, n_calib=14, n_test=7, jobs=1, workdir=str(tmp_path / "w"),
                      row_params={"max_iter": 60})
    first = train(cfg, tmp_path / "m", log=lambda m: None)
    assert first.model.version.startswith("m1-")
    assert set(first.metrics) >= {"all", "text", "html"}
    card = json.loads((tmp_path / "m" / "model.json").read_text(encoding="utf-8"))["card"]
    assert card["command"].startswith("extractor train") and "scikit-learn" in card["libraries"]
    assert card["data"]["real documents"].startswith("none")
    loaded = load(tmp_path / "m")
    assert loaded.version == first.model.version
    result = extract(seed_paths()[1], model=loaded)
    assert result["document"]["model_version"] == loaded.version
    assert all(0.0 <= f["confidence"] <= 1.0 for f in result["fields"].values())
    again = train(cfg, None, log=lambda m: None, measure_test=False)
    assert again.model.version == first.model.version  # seeded: the same model

"""Learned parts of the extractor: the row model, the confidence calibrator, their
artifacts, and the review loop (corrections → training data).

- :mod:`.features`: the named features of both models;
- :mod:`.row_model`: :class:`RowClassifier` and the :class:`LearnedScorer` of the row alignment;
- :mod:`.calibrate`: :class:`FieldCalibrator` and the review threshold from a target precision;
- :mod:`.store`: saving and loading models (arrays + JSON, never pickle), the model card,
  version checks, the default model loaded once per process;
- :mod:`.labelling`: labelled rows and fields from documents with known values;
- :mod:`.corrections`: the corrections format, applying corrections to a result;
- :mod:`.cli`: the ``extractor train`` and ``extractor correct`` commands.

Nothing here is imported by the pipeline unless a model is used.
"""

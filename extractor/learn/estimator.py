"""The scikit-learn estimator protocol for the learned models, without importing scikit-learn.

The row model and the calibrator are fitted with scikit-learn, but a process that only
extracts uses their arrays: importing scikit-learn for its base classes cost 0.9 s of the
2 s a one-shot ``extractor extract`` took. :class:`Estimator` gives what those base
classes gave them: ``get_params``/``set_params`` (so ``sklearn.base.clone`` and the model
card work), the classifier type, and the repr of the parameters set.
"""

from __future__ import annotations

import inspect


class Estimator:
    """Parameters are the keyword arguments of ``__init__``, kept as attributes of the same
    names (scikit-learn's convention)."""

    _estimator_type = "classifier"

    @classmethod
    def _param_names(cls) -> list[str]:
        params = inspect.signature(cls.__init__).parameters.values()
        return sorted(p.name for p in params if p.name != "self" and p.kind == p.POSITIONAL_OR_KEYWORD)

    def get_params(self, deep: bool = True) -> dict:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params) -> "Estimator":
        names = self._param_names()
        for name, value in params.items():
            if name not in names:
                raise ValueError(f"{type(self).__name__} has no parameter {name!r} (it has {', '.join(names)})")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        changed = [f"{k}={v!r}" for k, v in self.get_params().items() if v != defaults.get(k)]
        return f"{type(self).__name__}({', '.join(changed)})"

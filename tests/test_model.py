"""The data model's frozen dataclasses built by quick_init behave as generated ones do."""

from dataclasses import FrozenInstanceError, dataclass, field, fields, replace

import pytest

from extractor.model import Cell, Line, Source, quick_init


@dataclass(frozen=True)
class _Generated:
    a: int
    b: str = "b"
    c: tuple = ()


@quick_init
@dataclass(frozen=True)
class _Quick:
    a: int
    b: str = "b"
    c: tuple = ()


def test_quick_init_takes_the_same_arguments_and_defaults():
    for args, kw in [((1,), {}), ((1, "x"), {}), ((1,), {"c": (2,)}), ((), {"a": 3, "b": "y", "c": ()})]:
        q, g = _Quick(*args, **kw), _Generated(*args, **kw)
        assert [getattr(q, f.name) for f in fields(q)] == [getattr(g, f.name) for f in fields(g)]
        assert list(vars(q)) == ["a", "b", "c"]
    with pytest.raises(TypeError):
        _Quick()
    with pytest.raises(TypeError):
        _Quick(1, "b", (), 4)


def test_quick_init_keeps_equality_hash_repr_and_immutability():
    q = _Quick(1, c=(2,))
    assert q == _Quick(1, "b", (2,)) and q != _Quick(2)
    assert hash(q) == hash(_Quick(1, "b", (2,)))
    assert repr(q) == "_Quick(a=1, b='b', c=(2,))"
    with pytest.raises(FrozenInstanceError):
        q.a = 2
    assert replace(q, b="z") == _Quick(1, "z", (2,))


def test_quick_init_refuses_what_it_cannot_build():
    @dataclass(frozen=True)
    class Factory:
        items: list = field(default_factory=list)

    @dataclass(frozen=True)
    class After:
        a: int

        def __post_init__(self):
            pass

    for cls in (Factory, After):
        with pytest.raises(TypeError):
            quick_init(cls)


def test_model_classes_use_it():
    c = Cell("行政许可", " 行政许可", (3, 8))
    line = Line((c,), page=2, number=5)
    assert (line.cells, line.page, line.number, line.bbox, line.split) == ((c,), 2, 5, None, False)
    assert Source(page=1, text="0").to_dict() == {"page": 1, "text": "0"}
    for cls in (Line, Source):  # the quick __init__, not the generated one
        assert "_d" in cls.__init__.__code__.co_varnames and cls.__init__.__qualname__ == f"{cls.__name__}.__init__"

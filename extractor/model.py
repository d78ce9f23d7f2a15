"""Typed data that flows between the stages.

Every reader (text, HTML, PDF, OCR) produces a :class:`Document`: an ordered list of
:class:`Line` objects, each holding the :class:`Cell` objects of that line. A text line
split on tabs gives one cell per tab field; a PDF table row gives one cell per grid cell;
a paragraph gives one cell. Everything after the reader works on this one shape.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from functools import cached_property, lru_cache
from typing import Literal, Optional

BBox = tuple[float, float, float, float]

InputKind = Literal["text", "html", "pdf", "image"]
Status = Literal["ok", "review", "inferred", "blank", "missing"]


def quick_init(cls):
    """Give a frozen dataclass an ``__init__`` (same parameters, same defaults) that fills
    the instance's dict directly. The generated one calls ``object.__setattr__`` once per
    field, 2-3 µs a call, and readers and stages make hundreds of lines and sources per
    report (cells, the most numerous, are made by :func:`new_cell`, cheaper still). Put it
    above ``@dataclass(frozen=True)``; fields take plain defaults only."""
    params, body, defaults = [], [], {}
    for f in fields(cls):
        if f.default_factory is not MISSING or not f.init or f.kw_only:
            raise TypeError(f"quick_init: {cls.__name__}.{f.name} needs the generated __init__")
        if f.default is MISSING:
            params.append(f.name)
        else:
            defaults[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        body.append(f"    _d[{f.name!r}] = {f.name}")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"quick_init: {cls.__name__} has a __post_init__")
    code = f"def __init__(self, {', '.join(params)}):\n    _d = self.__dict__\n" + "\n".join(body)
    exec(code, defaults)  # as dataclasses itself makes __init__
    init = defaults["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init
    return cls


@dataclass(frozen=True)
class Cell:
    """One cell of a line as the reader saw it, with provenance.

    ``text`` is already normalised (see :mod:`extractor.normalize`); ``raw`` is what the
    source printed. ``span`` is the character span in the source line (text inputs);
    ``bbox`` is the box on the page in PDF points (PDF and image inputs).
    """

    text: str
    raw: str = ""
    span: Optional[tuple[int, int]] = None
    bbox: Optional[BBox] = None
    confidence: float = 1.0  # reader's own confidence (OCR); 1.0 for text layers
    # the cell holds ink that OCR could not read (a scan's table cell): not printed empty
    unread: bool = False


def new_cell(text: str, raw: str, span: Optional[tuple[int, int]] = None,
             bbox: Optional[BBox] = None) -> Cell:
    """``Cell(text, raw, span, bbox)`` made without the frozen dataclass's ``__init__`` (one
    ``object.__setattr__`` per field), for the readers' hundreds of cells per document:
    every field is set, the ones not given to their defaults."""
    c = object.__new__(Cell)
    d = c.__dict__
    d["text"] = text
    d["raw"] = raw
    d["span"] = span
    d["bbox"] = bbox
    d["confidence"] = 1.0
    d["unread"] = False
    return c


@quick_init
@dataclass(frozen=True)
class Line:
    """A line of cells. ``number`` is 1-based within the source (text) or page (PDF)."""

    cells: tuple[Cell, ...]
    page: int = 1
    number: int = 0
    bbox: Optional[BBox] = None
    # cells split on tabs or pipes: a cell's characters tell nothing of where it stands
    split: bool = False

    @property
    def text(self) -> str:
        return "\t".join(c.text for c in self.cells)

    @property
    def read_by_ocr(self) -> bool:
        """OCR read the line: its cells carry OCR's confidence, below a text layer's 1.0 (a
        scan's OCR layer counts as OCR's reading)."""
        return any(c.confidence < 1.0 for c in self.cells)


@dataclass
class Document:
    """What a reader returns: lines in reading order plus facts about the file."""

    path: str
    kind: InputKind
    lines: list[Line]
    pages: int = 1
    sha256: str = ""
    encoding: Optional[str] = None
    # the title the file gives itself outside its text (an HTML page's <title>)
    title: str = ""
    # pages (1-based) that have no usable text layer and need OCR
    needs_ocr: list[int] = field(default_factory=list)
    # pages (1-based) whose text OCR read, whole (a PDF's scanned pages, or all of an image's)
    ocr_pages: list[int] = field(default_factory=list)
    # an HTML page's pictures (<img>): (index of the line each stands before, its src)
    pictures: list[tuple[int, str]] = field(default_factory=list)
    # (page, box in page points) of big images on pages with a text layer of their own,
    # with no text over them: tables pasted as pictures, to be read by OCR
    image_regions: list[tuple[int, BBox]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @cached_property
    def reading_axes(self) -> dict[int, int]:
        """For each page with boxes, the page direction the text reads along, left to right
        in reading: 0 = +x, 1 = -y, 2 = -x, 3 = +y (a turned page, or a scan OCR read turned,
        keeps its boxes in the page's own space). The cells of a line stand in reading order,
        so each line of several boxed cells votes with the way from its first cell to its last."""
        votes: dict[int, list[int]] = {}
        for line in self.lines:
            cells = line.cells
            if len(cells) < 2 or cells[0].bbox is None or cells[-1].bbox is None:
                continue
            a, b = cells[0].bbox, cells[-1].bbox
            dx = (b[0] + b[2]) - (a[0] + a[2])
            dy = (b[1] + b[3]) - (a[1] + a[3])
            axis = (0 if dx > 0 else 2) if abs(dx) >= abs(dy) else (3 if dy > 0 else 1)
            votes.setdefault(line.page, [0, 0, 0, 0])[axis] += 1
        return {page: max(range(4), key=v.__getitem__) for page, v in votes.items()}

    def across(self, page: int, box: BBox) -> tuple[float, float]:
        """A box's left and right edge in reading (see :attr:`reading_axes`): page points
        along the reading direction, from an origin of its own."""
        axis = self.reading_axes.get(page, 0)
        if axis == 0:
            return box[0], box[2]
        if axis == 2:
            return -box[2], -box[0]
        if axis == 1:
            return -box[3], -box[1]
        return box[1], box[3]


TokenKind = Literal["label", "num", "blank", "mark"]


@dataclass(frozen=True)
class Token:
    """A piece of a cell: a label, a number, an empty cell or a printed blank mark.

    ``run`` is true for a digit string glued to other digits with no separator, which
    may hold the digits of several adjacent cells (web-crawler text). ``repaired`` holds
    the printed text when a number was read through OCR letter-for-digit confusions
    ("1s" → 15, "O" → 0) or printed with leading zeros ("08" → 8: a dropped decimal point?);
    such a value is never trusted without the rules' support.
    ``minus`` is true for a blank mark glued between digits ("12-3"), which may instead be
    the sign of the number after it, in a column that can fall (本年增/减).
    ``unread`` is true for an empty cell that holds ink read as no number (OCR could not
    read it, or read a stray letter): not printed empty, its value unknown.
    """

    kind: TokenKind
    text: str
    line: int  # index into Document.lines
    cell: int  # index of the cell in its line
    value: Optional[float] = None
    unit: Optional[str] = None
    run: bool = False
    repaired: Optional[str] = None
    minus: bool = False
    unread: bool = False

    def at(self, line: int, cell: int) -> "Token":
        """This token in another line and cell: a copy with every other field as it is.
        Made without the frozen dataclass's ``__init__`` (one ``object.__setattr__`` per
        field), which the tokenizer would otherwise pay thousands of times per document."""
        t = object.__new__(Token)
        d = t.__dict__
        d.update(self.__dict__)
        d["line"] = line
        d["cell"] = cell
        return t


@quick_init
@dataclass(frozen=True)
class Source:
    page: Optional[int] = None
    line: Optional[int] = None
    bbox: Optional[BBox] = None
    text: str = ""
    derivation: Optional[str] = None  # for inferred fields: how the rules force it
    note: Optional[str] = None  # e.g. how the column was settled

    def to_dict(self) -> dict:
        d: dict = {}
        if self.page is not None:
            d["page"] = self.page
        if self.bbox is not None:
            d["bbox"] = list(map(_tenth, self.bbox))
        if self.line is not None:
            d["line"] = self.line
        d["text"] = self.text
        if self.derivation:
            d["derivation"] = self.derivation
        if self.note:
            d["note"] = self.note
        return d


@lru_cache(maxsize=1 << 16)
def _tenth(v: float) -> float:
    """``round(v, 1)``, remembered: the edges of a layout's cells recur in every report made
    from it (``round`` is slow)."""
    return round(v, 1)


@dataclass
class FieldResult:
    id: str
    value: Optional[float]
    confidence: float
    status: Status
    source: Optional[Source] = None
    unit: Optional[str] = None
    # evidence behind the confidence, kept for calibration and the review page
    evidence: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        v = self.value
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        d = {
            "value": v,
            "confidence": round(self.confidence, 4),
            "status": self.status,
            "source": self.source.to_dict() if self.source else None,
        }
        if self.unit:
            d["unit"] = self.unit
        return d


@quick_init
@dataclass(frozen=True)
class Check:
    rule: str
    ok: bool
    detail: str
    fields: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"rule": self.rule, "ok": self.ok, "detail": self.detail, "fields": list(self.fields)}


@quick_init
@dataclass(frozen=True)
class ErrorItem:
    stage: str
    reason: str
    page: Optional[int] = None

    def to_dict(self) -> dict:
        d = {"stage": self.stage, "reason": self.reason}
        if self.page is not None:
            d["page"] = self.page
        return d

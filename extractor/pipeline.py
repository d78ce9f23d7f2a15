"""The pipeline: file → Document → tokens → template → rows → columns → rules → result.

Each stage is a plain function that reads the :class:`State` and fills its own slot;
:func:`build_pipeline` lists them in order, and :func:`extract` runs them.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache, partial
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from . import __version__
from .detect import FORM_YEAR, TemplateGuess, detect_template
from .fields import build_fields, settle_rows, tables_printing_every_cell
from .gcpause import gc_paused
from .labels import joined_labels, without_values
from .meta import MetaField, find_year_and_agency
from .model import Check, Document, ErrorItem, FieldResult, Token
from .positions import named_columns, place_under_header, settle_by_header, settle_by_position
from .readers import read
from .rows import doubt_shared_cells, Item, RowMatch, Scorer, align, template_items
from .rules import evaluate
from .confidence import REVIEW_THRESHOLD
from .settings import Settings
from .sections import Section, find_sections, is_furniture, is_prose
from .tables import (EMPTY_ROW_MATCH_BARE_LINE, RowRead, appeals_names, header_unit, item_number, read_appeals,
                     read_rows, rows_printed_empty, whole_counts)
from .template import Template, label_key, load_templates

if TYPE_CHECKING:
    from .learn.store import Model


@dataclass
class State:
    path: str
    settings: Settings = field(default_factory=Settings)
    scorer: Optional[Scorer] = None
    model: Optional["Model"] = None  # learned row scorer + calibrator (extractor.learn); None: hand-made
    doc: Optional[Document] = None
    tokens: list[Token] = field(default_factory=list)
    sections: dict[int, Section] = field(default_factory=dict)
    year: MetaField = MetaField(None, 0.0)
    agency: MetaField = MetaField(None, 0.0)
    guess: Optional[TemplateGuess] = None
    template: Optional[Template] = None
    matches: list[RowMatch] = field(default_factory=list)
    appeals_from: Optional[int] = None  # token of the appeals table's first header label, after 三
    rows: list[RowRead] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)
    fields: dict[str, FieldResult] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    errors: list[ErrorItem] = field(default_factory=list)


Stage = Callable[[State], None]


def stage_read(s: State) -> None:
    s.doc = read(s.path, max_text_bytes=int(s.settings.max_text_mb * 2**20), ocr=s.settings.ocr,
                 max_pdf_pages=s.settings.max_pdf_pages)
    for p in s.doc.needs_ocr:
        s.errors.append(ErrorItem("read", "page has no usable text layer and needs OCR", p))


def stage_tokens(s: State) -> None:
    from .tokens import document_tokens
    prose = {i for i, text in enumerate(ln.text for ln in s.doc.lines) if is_prose(text) or is_furniture(text)}
    s.sections = find_sections(s.doc)
    heads = {sec.line for sec in s.sections.values()}
    s.tokens = document_tokens(s.doc, skip_lines=prose | heads)


def stage_meta(s: State) -> None:
    s.year, s.agency = find_year_and_agency(s.doc)


def stage_template(s: State) -> None:
    _detect(s)
    before_form = s.year.value is not None and s.year.value < FORM_YEAR  # an older report's tables
    if s.template is None and s.doc.kind == "pdf" and s.settings.ocr and not before_form:
        _reread_by_ocr(s)
    if s.template is None:
        s.errors.append(ErrorItem("template", s.guess.reason))


def _detect(s: State) -> None:
    keys = [label_key(t.text) for t in s.tokens if t.kind == "label"]
    s.guess = detect_template(keys, s.year.value)
    s.template = load_templates()[s.guess.name] if s.guess.name is not None else None


def _reread_by_ocr(s: State) -> None:
    """A PDF whose text layer shows none of the form's tables, and no report year before the
    form's: every such report prints them, so the text layer does not say what the pages show
    (fonts mapping their characters to wrong ones, tables drawn as shapes). Its pages OCR has
    not read yet are read by OCR, when it has at most ``Settings.ocr_fallback_pages`` pages,
    and the stages up to the template run again on them; what the text layer gave stands
    when OCR finds no form either."""
    pages = [p for p in range(1, s.doc.pages + 1) if p not in s.doc.ocr_pages]
    limit = s.settings.ocr_fallback_pages
    if not pages or not limit:
        return
    if s.doc.pages > limit:
        s.doc.warnings.append(f"the text layer shows none of the form's tables; not read again by OCR: "
                              f"{s.doc.pages} pages, more than ocr_fallback_pages={limit}")
        return
    from .readers import read_by_ocr
    text_read = s.doc, s.tokens, s.sections, s.year, s.agency, s.guess
    try:
        s.doc = read_by_ocr(s.doc, pages)
    except Exception as e:  # OCR not installed, or failing on a page: the text layer's result stands
        s.doc.warnings.append(f"the text layer shows none of the form's tables, and OCR could not "
                              f"read the pages ({type(e).__name__}: {e})")
        return
    stage_tokens(s)
    stage_meta(s)
    _detect(s)
    if s.template is None:
        s.doc, s.tokens, s.sections, s.year, s.agency, s.guess = text_read
        s.doc.warnings.append("the text layer shows none of the form's tables; read by OCR, the "
                              "pages show none either")
        return
    s.doc.warnings.append(f"the text layer shows none of the form's tables (its fonts may map their "
                          f"characters to wrong ones, or its tables are drawn as shapes): "
                          f"{_pages_text(pages)} read by OCR instead")


def _pages_text(pages: list[int]) -> str:
    if len(pages) == 1:
        return f"page {pages[0]}"
    if pages == list(range(pages[0], pages[-1] + 1)):
        return f"pages {pages[0]}-{pages[-1]}"
    return "pages " + ", ".join(map(str, pages))


def _table_span(s: State) -> tuple[int, int]:
    """Token range where tables of 二 and 三 may stand: from 二 (or the start) to 四 (the
    appeals table, read on its own; its header's 总计 and 其他 are no rows of 三), else 五."""
    first = s.sections.get(2) or s.sections.get(3)
    last = s.sections.get(4) or s.sections.get(5) or s.sections.get(6)
    lo = first.line if first else -1
    hi = last.line if last else len(s.doc.lines)
    a = bisect_right(s.tokens, lo, key=_LINE)  # tokens stand in line order
    b = bisect_left(s.tokens, hi, key=_LINE)
    return (a, b) if a < b else (0, 0)


_LINE = attrgetter("line")


def row_inputs(s: State) -> tuple[list[int], list[Item], list[str], list[bool]]:
    """What the row alignment works on: label token indexes, template items, label keys
    (joined over wrapped lines) and whether each label has values on its line."""
    lo, hi = _table_span(s)
    labels = [i for i in range(lo, hi) if s.tokens[i].kind == "label"]
    tables = [t.id for t in s.template.tables if t.id != "appeals"]
    items = template_items(s.template, tables)
    row_keys = {k: f"{it.table}.{it.row}" for it in items if it.row for k in it.keys}
    keys, has_values = joined_labels(s.doc, s.tokens, labels, row_keys)
    return labels, items, keys, has_values


def stage_rows(s: State) -> None:
    if s.template is None:
        return
    labels, items, keys, has_values = row_inputs(s)
    tables = [t.id for t in s.template.tables if t.id != "appeals"]
    scorer = s.scorer or (s.model.row_scorer if s.model is not None else None)
    context = None
    if getattr(scorer, "uses_context", False):
        from .learn.features import label_contexts
        context = label_contexts(s.doc, s.tokens, s.sections, labels, keys, has_values)
    apart = without_values(s.tokens, labels, _table_span(s)[1])
    pairs = align(keys, items, scorer, has_values, context, apart)
    appeals = appeals_names(s.template.table("appeals"))
    named = _any_of(appeals)
    appeals_at = {i for i in range(labels[0] if labels else 0, len(s.tokens)) if s.tokens[i].kind == "label"
                  and named.search(label_key(s.tokens[i].text))}
    s.appeals_from = _appeals_start(appeals_at, [labels[i] for i, j, _ in pairs if items[j].table == "requests"])
    end = len(s.tokens) if s.appeals_from is None else s.appeals_from
    aligned = frozenset(labels[i] for i, _, _ in pairs)
    ocr_lines = frozenset(line for line in {s.tokens[t].line for t in aligned} if s.doc.lines[line].read_by_ocr)
    s.matches = doubt_shared_cells(s.tokens, [RowMatch(items[j].table, items[j].row, labels[i], sim)
                                              for i, j, sim in pairs if items[j].row and labels[i] < end
                                              and labels[i] not in appeals_at],
                                   items, aligned, frozenset(labels[i] for i, j, _ in pairs if not items[j].row),
                                   ocr_lines)
    evidence = {t: (1.0 if (3 if t == "requests" else 2) in s.sections else 0.95) for t in tables}
    # a label of the appeals table's header ends the search for a row's values, as a row does
    anchors = aligned | appeals_at
    walls = frozenset(sec.line for sec in s.sections.values())  # no row reads past a section's heading
    s.rows = read_rows(s.template, s.tokens, s.matches, evidence, anchors, after_empty_lines(s.doc), walls)
    _units(s)


def _appeals_start(appeals_at: set[int], requests_at: list[int]) -> Optional[int]:
    """Token index where the appeals table begins: its first header label after the first
    row of table 三 (四 comes after 三). Labels from there on are no rows of 二 or 三, its
    header's 总计 and 其他结果 included, when 三 stops halfway and no heading of 四 stands
    between them."""
    if not requests_at:
        return None
    return min((t for t in appeals_at if t > min(requests_at)), default=None)


@lru_cache(maxsize=8)
def _any_of(words: tuple[str, ...]) -> re.Pattern:
    """A pattern finding any of ``words``."""
    return re.compile("|".join(map(re.escape, words)))


def after_empty_lines(doc) -> frozenset[int]:
    """Indexes of the lines that follow an empty line of the source (text inputs)."""
    lines = doc.lines
    return frozenset(i for i in range(1, len(lines))
                     if lines[i].page == lines[i - 1].page and lines[i - 1].number
                     and lines[i].number > lines[i - 1].number + 1)


def _units(s: State) -> None:
    prev_end = 0
    for m in s.matches:
        table = s.template.table(m.table)
        if m.table in ("art20_8", "art20_9"):
            unit = header_unit(s.tokens, prev_end, m.token)
            amount = [c.id for c in table.columns if c.id.startswith("amount")]
            if unit and amount:
                s.units[table.field_id(m.row, amount[0])] = unit
        prev_end = m.token + 1


def stage_appeals(s: State) -> None:
    if s.template is None:
        return
    sec4, sec5 = s.sections.get(4), s.sections.get(5) or s.sections.get(6)
    end_line = sec5.line if sec5 else len(s.doc.lines)
    if sec4 is None and s.appeals_from is not None:  # no heading: from the table's header on
        idx = [i for i in range(s.appeals_from, len(s.tokens)) if s.tokens[i].line < end_line]
    else:  # after the heading, or after the line of 三's last row
        req = [m for m in s.matches if m.table == "requests"]
        start_line = sec4.line if sec4 else (s.tokens[req[-1].token].line if req else -1)
        idx = [i for i, t in enumerate(s.tokens) if start_line < t.line < end_line]
    if idx:
        table = s.template.table("appeals")
        place = partial(place_under_header, s.doc, columns=table.columns, groups=len(table.rows))
        s.rows.extend(read_appeals(s.template, s.tokens, idx[0], idx[-1] + 1, sec4 is not None, place))


def _named(s: State) -> dict[str, list[tuple[float, int]]]:
    """The columns of table 三 its header names (see :func:`extractor.positions.named_columns`):
    the labels after its section's heading and before its first row."""
    sec = s.sections.get(3)
    first = min((m.token for m in s.matches if m.table == "requests"), default=None)
    if sec is None or first is None:
        return {}
    header = [t for t in s.tokens[:first] if t.kind == "label" and t.line > sec.line]
    return {"requests": named_columns(s.doc, header, s.template.table("requests").columns)}


def _rows_printed_empty(s: State) -> dict[str, Token]:
    """Text may print a blank cell as nothing, and so may a PDF's table without rules, whose
    label's line then holds labels and empty cells only: no value, no blank mark, and no
    empty cell with ink that OCR could not read. That check on the label's own line lets a
    PDF's label matched in pieces (wrapped in a narrow column) count; a web page's picture
    read by OCR counts as such a table. On a scanned image and in an HTML table a row
    without values is a row whose values were not read."""
    kind = s.doc.kind
    if kind == "text":
        return rows_printed_empty(s.template, s.tokens, s.matches, s.rows)
    if kind not in ("pdf", "html"):
        return {}
    empty = rows_printed_empty(s.template, s.tokens, s.matches, s.rows, EMPTY_ROW_MATCH_BARE_LINE)
    if empty:
        celled = {t.line for i, t in enumerate(s.tokens) if t.kind in ("num", "mark") and not item_number(s.tokens, i)}
        lines = s.doc.lines
        empty = {f: t for f, t in empty.items() if t.line not in celled
                 and not any(c.unread for c in lines[t.line].cells)
                 and (kind == "pdf" or lines[t.line].read_by_ocr)}
    return empty


def stage_fields(s: State) -> None:
    if s.template is None:
        return
    settle_by_position(s.doc, s.rows)
    settle_by_header(s.doc, s.rows, _named(s))
    whole_counts(s.template, s.doc, s.rows)
    empty = _rows_printed_empty(s)
    values = settle_rows(s.template, s.rows, tables_printing_every_cell(s.rows, empty))
    report = evaluate(s.template, values)
    s.checks = report.checks
    threshold = s.settings.review_threshold
    calibrator = s.model.calibrator_for(s.doc.kind) if s.model is not None else None
    if threshold is None:
        threshold = s.model.threshold if calibrator is not None else REVIEW_THRESHOLD
    s.fields = build_fields(s.template, s.doc, s.tokens, s.rows, report, s.units, threshold, calibrator, empty)


def build_pipeline() -> list[Stage]:
    return [stage_read, stage_tokens, stage_meta, stage_template, stage_rows, stage_appeals, stage_fields]


def run(path: str | Path, settings: Optional[Settings] = None, scorer: Optional[Scorer] = None,
        model: "Model | None | str" = "default") -> State:
    """Run every stage. ``model``: a loaded :class:`extractor.learn.store.Model`, ``None`` for the
    hand-made scorer and confidence, or "default" for the shipped model (loaded once per process;
    none when no model file exists). An explicit ``scorer`` replaces the model's row scorer."""
    if isinstance(model, str):
        from .learn.store import default_model
        model = default_model()
    state = State(path=str(path), settings=settings or Settings(), scorer=scorer, model=model)
    with gc_paused():
        for stage in build_pipeline():
            stage(state)
    return state


def extract(path: str | Path, settings: Optional[Settings] = None, scorer: Optional[Scorer] = None,
            model: "Model | None | str" = "default") -> dict:
    """Extract one report; the result dict of the output contract (see README)."""
    t0 = time.perf_counter()
    from .output import to_result
    # the state is gone before the collector is back on: it would walk it all once more
    with gc_paused():
        return to_result(run(path, settings, scorer, model),
                         elapsed_ms=(time.perf_counter() - t0) * 1000, version=__version__)

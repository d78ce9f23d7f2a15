"""PDF reader: the real WPS report, synthetic ruled/borderless/rotated tables, bad files."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import pymupdf
import pytest

from extractor.errors import DocumentLoadError
from extractor.model import Document, Line
from extractor.readers.pdf import read_pdf

DATA = Path(__file__).parent / "data"
REAL = DATA / "real" / "101.pdf"
TRUTH = DATA / "real" / "truth" / "101.json"

REQUEST_ROWS = [
    "new_received", "carried_over", "granted", "partially_granted",
    *(f"denied.{k}" for k in ("state_secret", "prohibited_by_law", "endangers_safety",
                              "third_party_rights", "internal_affairs", "process_info",
                              "enforcement_files", "administrative_query")),
    *(f"unable.{k}" for k in ("not_held", "needs_creation", "unclear")),
    *(f"not_processed.{k}" for k in ("complaint", "duplicate", "publication", "excessive",
                                     "confirmation")),
    *(f"other.{k}" for k in ("overdue_correction", "overdue_fee", "other")),
    "total", "carried_forward",
]
REQUEST_COLS = ["natural_person", "commercial", "research", "social_org", "legal_service",
                "other_org", "total"]


# ------------------------------------------------------------------------- helpers

def texts(line: Line) -> list[str]:
    return [c.text for c in line.cells]


def find(doc: Document, label: str, page: Optional[int] = None) -> Line:
    """The first line with a cell starting with ``label``."""
    for ln in doc.lines:
        if (page is None or ln.page == page) and any(c.text.startswith(label) for c in ln.cells):
            return ln
    raise AssertionError(f"no line with {label!r}: " + "\n".join(ln.text for ln in doc.lines))


def after(line: Line, label: str) -> list[str]:
    """Non-empty cell texts after the cell starting with ``label``."""
    cells = texts(line)
    i = next(k for k, t in enumerate(cells) if t.startswith(label))
    return [t for t in cells[i + 1:] if t]


def num(t: str) -> float:
    return float(t.replace(",", ""))


@pytest.fixture(scope="module")
def real() -> Document:
    return read_pdf(REAL)


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads(TRUTH.read_text(encoding="utf-8"))["fields"]


class Canvas:
    """Draw on a page in logical coordinates; ``turn`` maps them onto the page.

    With ``turn=1`` the logical landscape page (w × h) is drawn sideways on a portrait
    page (text running bottom to top) and the page gets /Rotate 90, so it displays upright.
    """

    def __init__(self, doc: pymupdf.Document, w: float = 595, h: float = 842, turn: int = 0,
                 style: str = "line"):
        self.turn, self.w, self.h, self.style = turn, w, h, style
        self.page = doc.new_page(width=h, height=w) if turn else doc.new_page(width=w, height=h)
        if turn:
            self.page.set_rotation(90)

    def _p(self, x: float, y: float) -> pymupdf.Point:
        return pymupdf.Point(y, self.w - x) if self.turn else pymupdf.Point(x, y)

    def line(self, x0: float, y0: float, x1: float, y1: float, width: float = 0.5) -> None:
        """A rule drawn as a stroked line, a thin filled rectangle ("fill") or a row of
        short dashes ("dots")."""
        a, b = self._p(x0, y0), self._p(x1, y1)
        if self.style == "fill":
            r = pymupdf.Rect(a, b)
            r = r + ((-0.3, 0, 0.3, 0) if r.width < 1 else (0, -0.3, 0, 0.3))
            self.page.draw_rect(r, color=None, fill=(0, 0, 0))
        elif self.style == "dots":
            shape = self.page.new_shape()
            n = max(1, int(abs(b - a) / 3))
            for i in range(n):
                shape.draw_line(a + (b - a) * (i / n), a + (b - a) * ((i + 0.6) / n))
            shape.finish(width=width)
            shape.commit()
        else:
            self.page.draw_line(a, b, width=width)

    def text(self, x: float, y: float, s: str, size: float = 9, rotate: int = 0) -> None:
        rot = (rotate + (90 if self.turn else 0)) % 360
        self.page.insert_text(self._p(x, y), s, fontname="china-s", fontsize=size, rotate=rot)


def grid_table(cv: Canvas, x0: float, y0: float, widths: list[float], heights: list[float],
               cells: dict[tuple[int, int], str], merges: list[tuple[int, int, int, int]] = (),
               ruled: bool = True, size: float = 9) -> None:
    """Draw a table: cell borders (skipping lines inside merged cells) and texts.

    A text starting with "|" is written one character per line (stacked vertical label);
    one starting with "^" is written as vertical text (top to bottom).
    """
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [y0]
    for h in heights:
        ys.append(ys[-1] + h)
    owner = {}
    for k, (r0, c0, r1, c1) in enumerate(merges):
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                owner[(r, c)] = k
    if ruled:
        for r in range(len(heights)):
            for c in range(len(widths)):
                o = owner.get((r, c))
                if c + 1 == len(widths) or o is None or owner.get((r, c + 1)) != o:
                    cv.line(xs[c + 1], ys[r], xs[c + 1], ys[r + 1])
                if r + 1 == len(heights) or o is None or owner.get((r + 1, c)) != o:
                    cv.line(xs[c], ys[r + 1], xs[c + 1], ys[r + 1])
        cv.line(xs[0], ys[0], xs[-1], ys[0])
        cv.line(xs[0], ys[0], xs[0], ys[-1])
    for (r, c), s in cells.items():
        k = owner.get((r, c))
        r1, c1 = (merges[k][2], merges[k][3]) if k is not None else (r, c)
        top, bottom = ys[r], ys[r1 + 1]
        if s.startswith("|"):
            for i, ch in enumerate(s[1:]):
                cv.text(xs[c] + 3, top + 4 + size * 1.5 * (i + 1), ch, size)
        elif s.startswith("^"):
            cv.text(xs[c] + 4, top + 4, s[1:], size, rotate=270)
        else:
            cv.text(xs[c] + 3, (top + bottom) / 2 + size * 0.35, s, size)


REQ_W = [60, 80, 110] + [45] * 3
REQ_ROWS = [
    ("一、本年新收政府信息公开申请数量", ["10", "2", "12"]),
    ("二、上年结转政府信息公开申请数量", ["1", "0", "1"]),
    ("(一)予以公开", ["5", "1", "6"]),
    ("(二)部分公开", ["2", "", "2"]),
    ("(三)不予公开", ["4", "1", "5"]),  # with a sub-item in the next column
]


def requests_cells(vertical: str = "|三、本年度办理结果") -> tuple[dict, list]:
    """A small requests-like table: header with merged cells, a merged vertical label."""
    cells = {(0, 0): "(本列数据的勾稽关系)", (0, 3): "申请人情况", (1, 3): "自然人",
             (1, 4): "法人", (1, 5): "总计"}
    merges = [(0, 0, 1, 2), (0, 3, 0, 5), (2, 0, 2, 2), (3, 0, 3, 2), (4, 0, 6, 0),
              (4, 1, 4, 2), (5, 1, 5, 2)]
    for r, (label, vals) in enumerate(REQ_ROWS, start=2):
        cells[(r, 0 if r < 4 else 1)] = label
        for c, v in enumerate(vals, start=3):
            if v:
                cells[(r, c)] = v
    cells[(4, 0)] = vertical
    cells[(6, 2)] = "1.属于国家秘密"
    return cells, merges


REQ_H = [22, 22, 26, 26, 44, 44, 44]


def save(doc: pymupdf.Document, tmp_path: Path, name: str) -> Path:
    p = tmp_path / name
    doc.save(p)
    return p


# ----------------------------------------------------------------------- real report

def test_real_request_rows_match_truth(real: Document, truth: dict) -> None:
    rows = [ln for ln in real.lines if len([t for t in texts(ln) if t]) >= 8
            and sum(t.replace(".", "").isdigit() for t in texts(ln)) == 7]
    assert len(rows) == len(REQUEST_ROWS)
    for ln, rid in zip(rows, REQUEST_ROWS):
        got = [num(t) for t in texts(ln) if t.replace(".", "").isdigit()]
        want = [truth[f"requests.{rid}.{c}"] for c in REQUEST_COLS]
        assert got == want, (rid, ln.text)


def test_real_key_rows(real: Document) -> None:
    ln = find(real, "一、本年新收政府信息公开申请数量")
    assert ln.page == 4
    assert after(ln, "一、本年新收") == ["3001", "53", "0", "0", "61", "4", "3119"]
    # one cell per grid column: label spans 3 columns, so two empty cells follow it
    assert texts(ln)[:3] == ["一、本年新收政府信息公开申请数量", "", ""]
    assert len(ln.cells) == 10
    total = find(real, "(七)总计")
    assert total.page == 5
    assert after(total, "(七)总计") == ["2932", "53", "0", "0", "61", "4", "3050"]
    # the vertical label written one character per line is one cell
    granted = find(real, "(一)予以公开")
    assert texts(granted)[0] == "三、本年度办理结果"
    # multi-line cells are joined
    assert any(t == "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"
               for ln in real.lines for t in texts(ln))


def test_real_art20_and_appeals(real: Document, truth: dict) -> None:
    assert after(find(real, "规章", 3), "规章") == ["1", "0", "11"]
    assert after(find(real, "行政规范性文件", 3), "行政规范性文件") == ["8", "26", "66"]
    assert after(find(real, "行政许可", 3), "行政许可") == ["447228"]
    assert after(find(real, "行政处罚", 4), "行政处罚") == ["3985758"]
    assert after(find(real, "行政事业性收费", 4), "行政事业性收费") == ["96171.6"]
    appeals = [ln for ln in real.lines if ln.page == 5 and len(ln.cells) == 15
               and all(t.isdigit() for t in texts(ln))]
    assert len(appeals) == 1
    want = [truth[f"appeals.{r}.{c}"] for r in ("review", "litigation_direct",
                                                "litigation_after_review")
            for c in ("upheld", "corrected", "other", "pending", "total")]
    assert [num(t) for t in texts(appeals[0])] == want


def test_real_provenance_and_furniture(real: Document) -> None:
    assert real.pages == 6 and real.kind == "pdf" and len(real.sha256) == 64
    assert real.needs_ocr == [] and real.warnings == []
    assert not any(ln.text.replace(" ", "").strip("-") in {str(i) for i in range(1, 7)}
                   for ln in real.lines), "page numbers must be dropped"
    for page in range(1, 7):
        nums = [ln.number for ln in real.lines if ln.page == page]
        assert nums == list(range(1, len(nums) + 1))
    ln = find(real, "一、本年新收政府信息公开申请数量")
    x0, y0, x1, y1 = ln.cells[3].bbox  # the 3001 cell
    assert 250 < x0 < 252 and 284 < x1 < 286 and 456 < y0 < 457 and 480 < y1 < 481
    assert ln.cells[3].raw == "3001"
    # reading order: the section heading comes before the table on page 4
    page4 = [ln.text for ln in real.lines if ln.page == 4]
    assert page4.index("三、收到和处理政府信息公开申请情况") < page4.index(ln.text)


# ---------------------------------------------------------------------- synthetic

def _check_requests(doc: Document, page: int = 1) -> None:
    ln = find(doc, "一、本年新收", page)
    assert texts(ln) == ["一、本年新收政府信息公开申请数量", "", "", "10", "2", "12"]
    ln = find(doc, "(二)部分公开", page)
    assert texts(ln) == ["", "(二)部分公开", "", "2", "", "2"], "blank cell keeps its place"
    ln = find(doc, "(一)予以公开", page)
    assert texts(ln)[0] == "三、本年度办理结果"
    ln = find(doc, "(三)不予公开", page)
    assert texts(ln) == ["", "(三)不予公开", "1.属于国家秘密", "4", "1", "5"]
    head = find(doc, "申请人情况", page)
    assert texts(head) == ["(本列数据的勾稽关系)", "", "", "申请人情况", "", ""]


@pytest.mark.parametrize("style", ["line", "fill", "dots"])
def test_synthetic_ruled_table(tmp_path: Path, style: str) -> None:
    doc = pymupdf.open()
    cv = Canvas(doc, style=style)
    cv.text(72, 90, "三、收到和处理政府信息公开申请情况", 14)
    cells, merges = requests_cells()
    grid_table(cv, 72, 110, REQ_W, REQ_H, cells, merges)
    cv.text(290, 800, "- 1 -", 10)
    d = read_pdf(save(doc, tmp_path, "ruled.pdf"))
    _check_requests(d)
    assert d.lines[0].text == "三、收到和处理政府信息公开申请情况"
    assert all("- 1 -" not in ln.text for ln in d.lines)


def test_synthetic_vertical_text_label(tmp_path: Path) -> None:
    doc = pymupdf.open()
    cv = Canvas(doc)
    cells, merges = requests_cells(vertical="^三、本年度办理结果")
    grid_table(cv, 72, 110, REQ_W, REQ_H, cells, merges)
    _check_requests(read_pdf(save(doc, tmp_path, "vertical.pdf")))


@pytest.mark.parametrize("vertical", ["|三、本年度办理结果", "^三、本年度办理结果"])
def test_synthetic_borderless_requests(tmp_path: Path, vertical: str) -> None:
    """Without rules: columns from alignment, the tall label joined and in its own column."""
    doc = pymupdf.open()
    cv = Canvas(doc)
    cells, merges = requests_cells(vertical)
    grid_table(cv, 72, 110, REQ_W, REQ_H, cells, merges, ruled=False)
    d = read_pdf(save(doc, tmp_path, "borderless-req.pdf"))
    assert after(find(d, "一、本年新收"), "一、本年新收") == ["10", "2", "12"]
    assert texts(find(d, "(一)予以公开"))[:2] == ["三、本年度办理结果", "(一)予以公开"]
    assert texts(find(d, "(二)部分公开")) == ["", "(二)部分公开", "2", "", "2"]
    assert not any(len(ln.text) == 1 for ln in d.lines), "no stray stacked characters"


def test_frame_around_text_is_not_a_table(tmp_path: Path) -> None:
    doc = pymupdf.open()
    cv = Canvas(doc)
    cv.page.draw_rect(pymupdf.Rect(60, 60, 535, 300), width=1)  # page frame
    cv.line(60, 100, 535, 100)  # a rule under the title, inside the frame
    cv.text(72, 90, "2024年政府信息公开工作年度报告", 14)
    for i in range(3):
        cv.text(72, 130 + 20 * i, f"第{i + 1}段正文,说明情况。", 10)
    cells = {(0, 0): "规章", (0, 1): "1", (1, 0): "行政规范性文件", (1, 1): "8"}
    grid_table(cv, 72, 200, [150, 60], [24, 24], cells)
    d = read_pdf(save(doc, tmp_path, "frame.pdf"))
    assert [ln.text for ln in d.lines[:4]] == ["2024年政府信息公开工作年度报告", "第1段正文,说明情况。",
                                               "第2段正文,说明情况。", "第3段正文,说明情况。"]
    assert texts(find(d, "规章")) == ["规章", "1"]
    assert texts(find(d, "行政规范性文件")) == ["行政规范性文件", "8"]


def test_a_section_heading_ends_a_borderless_table(tmp_path: Path) -> None:
    """The tables of 二 and 三 one under the other, with the heading of 三 between: each
    keeps its own columns (the first table's value column is no column of the second)."""
    doc = pymupdf.open()
    cv = Canvas(doc)
    cv.text(72, 100, "政府集中采购", 10)
    cv.text(250, 100, "10", 10)
    cv.text(360, 100, "5601617", 10)
    cv.text(72, 124, "三、收到和处理政府信息公开申请情况", 12)
    for r, (label, vals) in enumerate([("一、本年新收政府信息公开申请数量", ["31", "3", "34"]),
                                       ("二、上年结转政府信息公开申请数量", ["1", "0", "1"])]):
        cv.text(72, 150 + 20 * r, label, 10)
        for c, v in enumerate(vals):
            cv.text(300 + 50 * c, 150 + 20 * r, v, 10)
    d = read_pdf(save(doc, tmp_path, "stacked.pdf"))
    assert texts(find(d, "三、收到和处理")) == ["三、收到和处理政府信息公开申请情况"]
    assert texts(find(d, "一、本年新收")) == ["一、本年新收政府信息公开申请数量", "31", "3", "34"]
    assert texts(find(d, "政府集中采购")) == ["政府集中采购", "10", "5601617"]



def test_the_title_of_each_of_section_two_s_tables_ends_the_one_above(tmp_path: Path) -> None:
    """二's small tables set tight one under the other without rules (as a long scan shows
    them): each block's title 第二十条第（X）项 starts a table of its own, so the header of
    the next block does not join the columns of the one above."""
    doc = pymupdf.open()
    cv = Canvas(doc)
    blocks = [("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
               [("规章", ["2", "1", "31"]), ("行政规范性文件", ["10", "2", "83"])]),
              ("第二十条第（五）项", ["信息内容", "本年处理决定数量"], [("行政许可", ["0"])]),
              ("第二十条第（六）项", ["信息内容", "本年处理决定数量"], [("行政处罚", ["152681"]), ("行政强制", ["2"])]),
              ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减"], [("行政事业性收费", [])])]
    y = 100.0
    for title, header, rows in blocks:
        cv.text(190, y, title, 9)
        for c, name in enumerate(header):
            cv.text(72 + 90 * c if c else 110, y + 16, name, 9)
        for k, (label, vals) in enumerate(rows):
            cv.text(60, y + 32 + 16 * k, label, 9)
            for c, v in enumerate(vals):
                cv.text(200 + 90 * c, y + 32 + 16 * k, v, 9)
        y += 32 + 16 * len(rows)
    d = read_pdf(save(doc, tmp_path, "blocks.pdf"))
    assert texts(find(d, "行政规范性文件")) == ["行政规范性文件", "10", "2", "83"]
    assert texts(find(d, "第二十条第(五)项")) == ["第二十条第(五)项"]
    assert [t for t in texts(find(d, "行政许可")) if t] == ["行政许可", "0"]
    assert [t for t in texts(find(d, "行政强制")) if t] == ["行政强制", "2"]
    assert texts(find(d, "行政事业性收费")) == ["行政事业性收费", "", ""]  # a row printed blank, in its table


def _names_over_values(cv: Canvas, names: list[tuple[str, ...]], values: list[str], step: float,
                       y: float, dx: float) -> None:
    """A header of column names (each on one or more lines, 9 pt) from x=72, ``step`` apart,
    and under it one row of values ("" printed as nothing), ``dx`` right of their names."""
    for c, lines in enumerate(names):
        for k, text in enumerate(lines):
            cv.text(72 + step * c, y + 11 * k, text, 9)
    for c, v in enumerate(values):
        if v:
            cv.text(72 + dx + step * c, y + 20 + 10 * (len(names[0]) - 1), v, 9)


def test_two_borderless_tables_without_a_heading_between_keep_their_columns(tmp_path: Path) -> None:
    """Table 三 stopping halfway and 四's table right under it, its heading lost: the values
    of the second table stand under the first one's long label, so they are two tables, and
    the second one's values stay in cells of their own."""
    doc = pymupdf.open()
    cv = Canvas(doc)
    for r, (label, vals) in enumerate([("(一)予以公开", ["12", "1", "13"]),
                                       ("(二)部分公开(区分处理的,只计这一情形)", ["5", "1", "6"])]):
        cv.text(72, 100 + 20 * r, label, 10)
        for c, v in enumerate(vals):
            cv.text(330 + 50 * c, 100 + 20 * r, v, 10)
    _names_over_values(cv, [("结果维持",), ("结果纠正",), ("其他结果",), ("尚未审结",), ("总计",)] * 2,
                       ["", "", "0", "0", "0", "0", "", "3", "", "3"], step=46, y=160, dx=13)
    d = read_pdf(save(doc, tmp_path, "stacked_no_heading.pdf"))
    assert texts(find(d, "(一)予以公开")) == ["(一)予以公开", "12", "1", "13"]
    row = next(ln for ln in d.lines if ln.bbox[1] > 170)
    assert [t for t in texts(row) if t] == ["0", "0", "0", "0", "3", "3"]
    zeros = [c.bbox[0] for c in row.cells if c.text == "0"]
    assert len(zeros) == 4 and all(b - a > 40 for a, b in zip(zeros, zeros[1:]))

def test_synthetic_borderless_table(tmp_path: Path) -> None:
    doc = pymupdf.open()
    cv = Canvas(doc)
    cv.text(72, 90, "第二十条第(一)项", 10)
    rows = [("信息内容", ["本年制发件数", "本年废止件数", "现行有效件数"]),
            ("规章", ["1", "0", "11"]),
            ("行政规范性文件", ["8", "", "66"]),
            ("行政许可", ["447228", "3", "2"])]
    for r, (label, vals) in enumerate(rows):
        y = 120 + 22 * r
        cv.text(72, y, label, 10)
        for c, v in enumerate(vals):
            if v:
                w = pymupdf.get_text_length(v, fontname="china-s", fontsize=10)
                cv.text(300 + 90 * c - w, y, v, 10)  # right-aligned columns
    d = read_pdf(save(doc, tmp_path, "borderless.pdf"))
    assert texts(find(d, "规章")) == ["规章", "1", "0", "11"]
    assert texts(find(d, "行政规范性文件")) == ["行政规范性文件", "8", "", "66"]
    assert texts(find(d, "行政许可")) == ["行政许可", "447228", "3", "2"]
    assert texts(find(d, "信息内容"))[0] == "信息内容"
    assert find(d, "第二十条").cells[0].text == "第二十条第(一)项"


def test_synthetic_partly_ruled_table(tmp_path: Path) -> None:
    """Only horizontal rules and the outer frame: columns come from the text."""
    doc = pymupdf.open()
    cv = Canvas(doc)
    rows = [("规章", ["1", "0", "11"]), ("行政规范性文件", ["8", "26", "66"]),
            ("行政许可", ["447228", "", "2"])]
    y0 = 100
    for r, (label, vals) in enumerate(rows):
        cv.line(72, y0 + 24 * r, 472, y0 + 24 * r)
        cv.text(76, y0 + 24 * r + 16, label, 10)
        for c, v in enumerate(vals):
            if v:
                cv.text(250 + 70 * c, y0 + 24 * r + 16, v, 10)
    cv.line(72, y0 + 72, 472, y0 + 72)
    cv.line(72, y0, 72, y0 + 72)
    cv.line(472, y0, 472, y0 + 72)
    d = read_pdf(save(doc, tmp_path, "partly.pdf"))
    assert texts(find(d, "规章")) == ["规章", "1", "0", "11"]
    assert texts(find(d, "行政许可")) == ["行政许可", "447228", "", "2"]


def test_synthetic_table_over_two_pages(tmp_path: Path) -> None:
    doc = pymupdf.open()
    labels = [f"{i}.第{i}行" for i in range(1, 13)]
    for part in (labels[:7], labels[7:]):
        cv = Canvas(doc)
        cells = {}
        for r, lab in enumerate(part):
            cells[(r, 0)] = lab
            cells[(r, 1)] = str(r * 3)
            cells[(r, 2)] = str(r * 5)
        grid_table(cv, 72, 72, [150, 60, 60], [24] * len(part), cells)
        cv.text(72, 30, "某某局2024年政府信息公开工作年度报告", 9)  # running header
        cv.text(290, 810, f"第{doc.page_count}页", 9)
    d = read_pdf(save(doc, tmp_path, "twopages.pdf"))
    body = [ln for ln in d.lines if ln.cells[0].text[:1].isdigit()]
    assert [ln.cells[0].text for ln in body] == labels
    assert [ln.page for ln in body] == [1] * 7 + [2] * 5
    assert all(len(ln.cells) == 3 for ln in body)
    assert not any("年度报告" in ln.text or "页" in ln.text for ln in d.lines)


@pytest.mark.parametrize("turn", [0, 1])
def test_synthetic_rotated_page(tmp_path: Path, turn: int) -> None:
    """A landscape table drawn sideways on a /Rotate 90 page reads like an upright one."""
    doc = pymupdf.open()
    cv = Canvas(doc, w=842, h=595, turn=turn)
    cv.text(72, 60, "四、政府信息公开行政复议、行政诉讼情况", 12)
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    cells = {(0, 0): "行政复议", (0, 5): "行政诉讼"}
    cells.update({(1, c): h for c, h in enumerate(heads * 2)})
    cells.update({(2, c): str(c + 1) for c in range(10)})
    grid_table(cv, 60, 80, [70] * 10, [24, 24, 24], cells, [(0, 0, 0, 4), (0, 5, 0, 9)])
    d = read_pdf(save(doc, tmp_path, f"rot{turn}.pdf"))
    assert d.lines[0].text == "四、政府信息公开行政复议、行政诉讼情况"
    assert texts(d.lines[1]) == ["行政复议", "", "", "", "", "行政诉讼", "", "", "", ""]
    assert texts(d.lines[3]) == [str(c + 1) for c in range(10)]
    # boxes are in page space: on the turned page the row runs down the portrait page
    x0, y0, x1, y1 = d.lines[3].bbox
    if turn:
        assert y1 - y0 > 600 and x1 - x0 < 30
    else:
        assert x1 - x0 > 600 and y1 - y0 < 30


def test_fake_bold_and_page_furniture(tmp_path: Path) -> None:
    """Text painted twice (WPS fake bold) reads once; page numbers and running headers go."""
    doc = pymupdf.open()
    for n in (1, 2, 3):
        cv = Canvas(doc)
        cv.text(72, 40, "某某县人民政府办公室", 9)  # running header
        cv.text(72, 100, f"第{n}页的标题", 16)
        cv.text(72.4, 100.2, f"第{n}页的标题", 16)
        cv.text(72, 140, "正文内容", 12)
        cv.text(290, 810, f"- {n} -", 10)
    d = read_pdf(save(doc, tmp_path, "bold.pdf"))
    assert [ln.text for ln in d.lines] == ["第1页的标题", "正文内容", "第2页的标题", "正文内容",
                                           "第3页的标题", "正文内容"]
    assert [(ln.page, ln.number) for ln in d.lines] == [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2)]


def test_characters_set_tight_together_make_one_glyph(tmp_path: Path) -> None:
    """A glyph is a run of characters set tight together on one line; a space, or a gap
    of more than RUN_GAP, starts the next one. Counts of characters stay counts of
    characters."""
    from extractor.layout import RUN_GAP, page_text
    doc = pymupdf.open()
    cv = Canvas(doc)
    cv.text(72, 100, "行政许可 12", 10)
    cv.text(72, 130, "规章", 10)
    cv.text(72 + 20 + 4 * RUN_GAP, 130, "7", 10)  # "规章" is 20 pt wide
    cv.text(72, 160, "总计", 10)
    cv.text(72.3, 160.2, "总计", 10)  # painted twice (fake bold): read once
    saved = pymupdf.open(save(doc, tmp_path, "runs.pdf"))
    pt = page_text(saved[0])
    assert [g.c for g in pt.glyphs] == ["行政许可", "12", "规章", "7", "总计"]
    assert pt.chars == 11 and pt.glyphs[1].space and not pt.glyphs[3].space


# -------------------------------------------------------------- pages needing OCR

def test_image_only_and_blank_pages(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 60, 80), False)
    pix.clear_with(200)
    page.insert_image(page.rect, pixmap=pix)  # a "scan": an image, no text
    doc.new_page()  # blank
    page = doc.new_page()
    page.insert_text((72, 72), "正文", fontname="china-s")
    d = read_pdf(save(doc, tmp_path, "scan.pdf"))
    assert d.needs_ocr == [1]
    assert any("page 1" in w and "OCR" in w for w in d.warnings)
    assert any("page 2" in w and "blank" in w for w in d.warnings)
    assert [ln.text for ln in d.lines] == ["正文"]


def test_garbage_text_layer(tmp_path: Path) -> None:
    """A font whose codes map to private-use characters: the text layer is unusable."""
    doc = pymupdf.open()
    page = doc.new_page()
    font = doc.get_new_xref()
    doc.update_object(font, "<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding"
                            "<</Type/Encoding/Differences[65/uniE000/uniE001]>>>>")
    doc.xref_set_key(page.xref, "Resources", f"<</Font<</F9 {font} 0 R>>>>")
    content = doc.get_new_xref()
    doc.update_object(content, "<<>>")
    doc.update_stream(content, b"BT /F9 12 Tf 72 700 Td (ABABABABAB) Tj ET")
    doc.xref_set_key(page.xref, "Contents", f"{content} 0 R")
    d = read_pdf(save(doc, tmp_path, "garbage.pdf"))
    assert d.needs_ocr == [1] and d.lines == []
    assert "unreadable" in d.warnings[0]


def test_layout_failure_keeps_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in table analysis costs the tables of that page, not its text."""
    import extractor.readers.pdf as reader

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(reader, "add_virtual_rules", boom)
    d = read_pdf(REAL)
    assert any("page 4: table analysis failed" in w for w in d.warnings)
    assert any("3001" in ln.text for ln in d.lines if ln.page == 4)


# -------------------------------------------------------------------- bad inputs

def _raises(path: Path, words: str, **kw) -> None:
    with pytest.raises(DocumentLoadError) as e:
        read_pdf(path, **kw)
    msg = str(e.value)
    assert "\n" not in msg and words in msg, msg


def test_encrypted(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret")
    p = tmp_path / "enc.pdf"
    doc.save(p, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="x", owner_pw="y")
    _raises(p, "password")


def test_zero_pages(tmp_path: Path) -> None:
    p = tmp_path / "zero.pdf"
    p.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                  b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
                  b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")
    _raises(p, "no pages")


def test_truncated(tmp_path: Path) -> None:
    p = tmp_path / "cut.pdf"
    p.write_bytes(REAL.read_bytes()[: REAL.stat().st_size // 2])
    _raises(p, "truncated")


def test_garbage_bytes_and_empty(tmp_path: Path) -> None:
    p = tmp_path / "junk.pdf"
    p.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(DocumentLoadError):
        read_pdf(p)
    e = tmp_path / "empty.pdf"
    e.write_bytes(b"")
    _raises(e, "empty")
    _raises(tmp_path / "missing.pdf", "no such file")


def test_jpeg_renamed(tmp_path: Path) -> None:
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 16, 16), False)
    pix.clear_with(128)
    p = tmp_path / "photo.pdf"
    p.write_bytes(pix.tobytes("jpg"))
    _raises(p, "JPEG")


def test_many_pages(tmp_path: Path) -> None:
    doc = pymupdf.open()
    for _ in range(2000):
        doc.new_page()
    p = save(doc, tmp_path, "huge.pdf")
    t = time.perf_counter()
    _raises(p, "2000 pages")
    d = read_pdf(p, max_pages=5, truncate=True)
    assert d.pages == 5 and any("first 5" in w for w in d.warnings)
    assert time.perf_counter() - t < 5


# ------------------------------------------------------------ pictures on text pages

def _page_with_picture(tmp_path: Path, picture: pymupdf.Rect, text_over: bool = False) -> Path:
    """A page of prose with a grey picture in ``picture``, optionally with text over it
    (a scanner's invisible OCR layer)."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    for k in range(4):
        page.insert_text((72, 90 + 20 * k), "本机关认真贯彻落实政府信息公开条例，主动公开政府信息。",
                         fontname="china-s", fontsize=11)
    pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 400, 200), False)
    pix.clear_with(200)
    page.insert_image(picture, pixmap=pix, keep_proportion=False)
    if text_over:
        for k in range(3):
            page.insert_text((picture.x0 + 5, picture.y0 + 20 + 20 * k), "一、本年新收政府信息公开申请数量",
                             fontname="china-s", fontsize=10, render_mode=3)
    path = tmp_path / "picture.pdf"
    doc.save(path)
    return path


def test_a_big_picture_without_text_on_a_text_page_is_listed_for_ocr(tmp_path):
    doc = read_pdf(_page_with_picture(tmp_path, pymupdf.Rect(70, 200, 525, 450)))
    assert doc.needs_ocr == []
    assert [(n, tuple(round(v) for v in box)) for n, box in doc.image_regions] == [(1, (70, 200, 525, 450))]
    assert any("本机关" in ln.text for ln in doc.lines)  # the prose is read from the text layer


def test_small_pictures_and_pictures_under_text_are_not_read_again(tmp_path):
    seal = read_pdf(_page_with_picture(tmp_path, pymupdf.Rect(400, 600, 510, 710)))  # a stamp
    assert seal.image_regions == []
    under_text = read_pdf(_page_with_picture(tmp_path, pymupdf.Rect(70, 200, 525, 450), text_over=True))
    assert under_text.image_regions == []


def test_a_picture_left_unread_when_ocr_is_off_says_so(tmp_path):
    from extractor.readers import read
    doc = read(_page_with_picture(tmp_path, pymupdf.Rect(70, 200, 525, 450)), ocr=False)
    assert any("picture" in w and "OCR is off" in w for w in doc.warnings)


def _line_glyphs(y: float, parts: list[tuple[float, str]], line: int, size: float = 10.0) -> list:
    """Glyphs of one text line: each (x, text) part set with characters ``size`` wide."""
    from extractor.layout import Glyph
    out = []
    for k, (x, text) in enumerate(parts):
        for i, c in enumerate(text):
            out.append(Glyph(x + i * size, y, x + (i + 1) * size, y + size, c, line * 10 + k, size, True))
    return out


def test_a_header_set_tight_over_the_first_row_is_cut_from_it():
    """A table without rules whose header line sits close over its first row: the header's
    text stands over the row's values, so the two are rows of their own. The lines of a
    wrapped label stay in the label's column and stay one row with its values."""
    from extractor.grid import row_cuts
    from extractor.layout import text_rows
    header = _line_glyphs(0, [(0, "信息内容"), (100, "本年制发件数")], 0)
    row = _line_glyphs(13, [(0, "规章"), (130, "2")], 1)
    assert len(row_cuts(text_rows(header + row))) == 1
    wrapped = _line_glyphs(0, [(0, "申请人无正当理由")], 0) + _line_glyphs(13, [(0, "逾期不补正"), (130, "0")], 1)
    assert row_cuts(text_rows(wrapped)) == []


# ----------------------------------------------------------- rules from the text pass

def _page_rules_both_ways(page: pymupdf.Page):
    """Rules of a page from the text page's vector boxes (as the reader asks for them), and
    from its drawings."""
    from extractor.grid import page_rules, vector_rules
    from extractor.layout import page_text
    from extractor.mupdf import draws_no_open_paths
    pt = page_text(page)
    return (vector_rules(pt.vectors, pt.frame, lambda: draws_no_open_paths(page)),
            page_rules(page.get_cdrawings(), pt.frame))


def _close(a, b, tol: float = 0.05) -> bool:
    return len(a) == len(b) and all(abs(p - q) <= tol for r, s in zip(sorted(a), sorted(b)) for p, q in zip(r, s))


@pytest.mark.parametrize("style, turn", [("line", 0), ("fill", 0), ("dots", 0), ("line", 1), ("dots", 1)])
def test_rules_from_the_text_pass_are_the_rules_of_the_drawings(tmp_path: Path, style: str, turn: int) -> None:
    """Lines, thin filled bars and dashes read from the boxes the text pass collects give
    the same rules as the page's drawings; shading and white lines give none."""
    doc = pymupdf.open()
    cv = Canvas(doc, turn=turn, style=style)
    cells, merges = requests_cells()
    grid_table(cv, 72, 110, REQ_W, REQ_H, cells, merges)
    cv.page.draw_rect(cv.page.rect * 0.2 + (300, 500, 300, 500), color=None, fill=(0.9, 0.9, 0.9))
    cv.page.draw_line((100, 700), (400, 700), color=(1, 1, 1), width=1.5)
    saved = pymupdf.open(save(doc, tmp_path, "rules.pdf"))
    (vh, vv), (dh, dv) = _page_rules_both_ways(saved[0])
    assert len(dh) >= 7 and len(dv) >= 4
    assert _close(vh, dh) and _close(vv, dv)


def test_outlines_and_open_paths_are_read_from_the_drawings(tmp_path: Path) -> None:
    """A stroked path with a wide box may be a rectangle's outline or an open path, which
    the box does not tell apart: the page's drawings are read instead, and a table drawn
    as stroked cell boxes is read as a ruled table."""
    doc = pymupdf.open()
    page = doc.new_page()
    for r in range(3):
        for c in range(3):
            box = pymupdf.Rect(72 + 80 * c, 100 + 20 * r, 152 + 80 * c, 120 + 20 * r)
            page.draw_rect(box, color=(0, 0, 0), width=0.5)
            page.insert_text((box.x0 + 4, box.y1 - 6), f"{r}{c}" if c else f"行{r}", fontname="china-s", fontsize=9)
    shape = page.new_shape()  # an open path: three sides of a box
    shape.draw_polyline([(72, 300), (300, 300), (300, 340), (72, 340)])
    shape.finish(color=(0, 0, 0), closePath=False)
    shape.commit()
    path = save(doc, tmp_path, "outlines.pdf")
    saved = pymupdf.open(path)
    vector, drawn = _page_rules_both_ways(saved[0])
    assert vector is None
    assert [r.pos for r in drawn[1] if r.a >= 299] == [300.0], "the open side has no rule"
    rows = [texts(ln) for ln in read_pdf(path).lines]
    assert rows[:3] == [["行0", "01", "02"], ["行1", "11", "12"], ["行2", "21", "22"]]


@pytest.mark.parametrize("width", [0.5, 2.5])
def test_a_table_of_stroked_cell_boxes_reads_its_rules_from_the_text_pass(tmp_path: Path, width: float) -> None:
    """A page whose paths are all rectangles (no line segments: no open path can pass for
    an outline) gives the four sides of each stroked box from the text pass: the same
    rules as its drawings, the pen's reach taken off (boxes of neighbouring cells overlap
    by twice it), for a thin pen and a thick one."""
    from extractor.grid import vector_rules
    from extractor.layout import page_text
    doc = pymupdf.open()
    page = doc.new_page()
    for r in range(3):
        for c in range(3):
            box = pymupdf.Rect(72 + 80 * c, 100 + 20 * r, 152 + 80 * c, 120 + 20 * r)
            page.draw_rect(box, color=(0, 0, 0), width=width)
            page.insert_text((box.x0 + 4, box.y1 - 6), f"{r}{c}" if c else f"行{r}", fontname="china-s", fontsize=9)
    path = save(doc, tmp_path, "boxes.pdf")
    saved = pymupdf.open(path)
    vector, drawn = _page_rules_both_ways(saved[0])
    assert vector is not None, "rules from the text pass"
    assert [r.pos for r in drawn[0]] == [100.0, 120.0, 140.0, 160.0]
    assert _close(vector[0], drawn[0]) and _close(vector[1], drawn[1])
    pt = page_text(saved[0])
    assert vector_rules(pt.vectors, pt.frame) is None, "without leave, outlines are not taken"
    rows = [texts(ln) for ln in read_pdf(path).lines]
    assert rows == [["行0", "01", "02"], ["行1", "11", "12"], ["行2", "21", "22"]]


def test_a_header_wrapped_and_centred_in_a_narrow_column_reads_in_order(tmp_path: Path) -> None:
    """A table without rules whose header cells wrap in narrow columns, each cell's lines
    centred in the header band ("自然" over "人", beside cells of two and three lines): the
    band is one visual row, and characters set tight together on a line stay together, so
    the names read 自然人 and 商业企业, not 自人然 and 商业业企 (characters of two lines
    sorted by their left edges)."""
    doc = pymupdf.open()
    cv = Canvas(doc)
    size = 11
    band_top, band_h, lead = 95.0, 66.0, 14.3
    heads = [(80, ["（本列数据的勾稽关系为：第一项加第", "二项之和，等于第三项加第四项之和）"]),
             (280, ["自然", "人"]), (310, ["商业企", "业"]), (353, ["科研", "机构"]),
             (389, ["社会", "公益", "组织"]), (458, ["其他"]), (492, ["总计"])]
    for x, parts in heads:
        width = max(len(p) for p in parts) * size
        top = band_top + (band_h - lead * len(parts)) / 2
        for i, part in enumerate(parts):
            cv.text(x + (width - len(part) * size) / 2, top + i * lead + size, part, size)
    rows = [("一、本年新收政府信息公开申请数量", ["9", "1", "0", "2", "0", "12"]),
            ("二、上年结转政府信息公开申请数量", ["0", "2", "1", "0", "1", "4"]),
            ("(一)予以公开", ["5", "0", "0", "1", "0", "6"])]
    for k, (label, values) in enumerate(rows):
        y = 178 + 16 * k
        cv.text(80, y, label, size)
        for (x, parts), v in zip(heads[1:], values):
            cv.text(x + max(len(p) for p in parts) * size / 2 - 3, y, v, size)
    d = read_pdf(save(doc, tmp_path, "centred.pdf"))
    head = " ".join(ln.text for ln in d.lines if "自" in ln.text or "商" in ln.text)
    assert "自然人" in head and "商业企业" in head, head


def test_a_page_of_many_paths_reads_its_rules_from_the_drawings(tmp_path: Path) -> None:
    """Collecting paths' boxes with the text costs MuPDF time growing with the square of
    their number, so a page whose content is large (a map, a chart beside the table) reads
    its rules from its drawings; its ruled table is read all the same."""
    from extractor.mupdf import page_drawing
    from extractor.readers.pdf import PATHS_CONTENT
    doc = pymupdf.open()
    cv = Canvas(doc)
    cells, merges = requests_cells()
    grid_table(cv, 72, 110, REQ_W, REQ_H, cells, merges)
    assert page_drawing(cv.page)[0] <= PATHS_CONTENT
    shape = cv.page.new_shape()  # a chart of many small marks, away from the table
    for i in range(12000):
        x, y = 72 + (i % 150) * 3, 450 + (i // 150) * 4
        shape.draw_rect(pymupdf.Rect(x, y, x + 2, y + 2))
    shape.finish(fill=(0.2, 0.2, 0.2), color=None)
    shape.commit()
    path = save(doc, tmp_path, "chart.pdf")
    with pymupdf.open(path) as saved:
        assert page_drawing(saved[0])[0] > PATHS_CONTENT
    _check_requests(read_pdf(path))


def test_header_names_over_a_sparse_row_of_values_keep_their_columns(tmp_path: Path) -> None:
    """A table without rules whose one row of values leaves some columns blank (printed as
    nothing): the header's names, each over one column (wrapped on two lines, set close
    together), mark the blank columns too, so each value keeps its place under its name."""
    doc = pymupdf.open()
    cv = Canvas(doc)
    values = ["1", "", "0", "2", "", "0", "", "3", "4", ""]
    _names_over_values(cv, [("结果", "维持"), ("结果", "纠正"), ("其他", "结果"), ("尚未", "审结"), ("总计",)] * 2,
                       values, step=28, y=155, dx=6)
    d = read_pdf(save(doc, tmp_path, "sparse.pdf"))
    row = next(ln for ln in d.lines if ln.bbox[1] > 175)
    assert texts(row) == values


def test_column_names_written_one_character_a_line_are_no_row_label(tmp_path: Path) -> None:
    """A header whose names are each written top to bottom, one character a line (结/果/维/持
    beside 结/果/纠/正 …): the first name's stack is a column name like the others, not a
    row label with a column of its own before the values."""
    doc = pymupdf.open()
    cv = Canvas(doc)
    names = ["结果维持", "结果纠正", "其他结果", "尚未审结"] * 2
    for c, name in enumerate(names):
        for k, ch in enumerate(name):
            cv.text(90 + 30 * c, 150 + 11 * k, ch, 9)
    values = ["0", "2", "0", "1", "3", "0", "0", "1"]
    for c, v in enumerate(values):
        cv.text(92 + 30 * c, 210, v, 9)
    d = read_pdf(save(doc, tmp_path, "stacked_names.pdf"))
    row = next(ln for ln in d.lines if ln.bbox[1] > 200)
    assert texts(row) == values


def test_an_item_number_set_apart_from_its_wrapped_label_reads_before_it():
    """A cell printing "6." a gap before its label, the label wrapped back under the number
    ("6.   属于四类过程性信" over "息"; OCR boxes the number apart): the number and the wrapped
    line look like a block of their own beside the label, but the cell reads line by line.
    Two blocks side by side (a group label beside a wrapped label) still read block by block."""
    from extractor.layout import fragments, lines_text, order_fragments

    def cell(glyphs):
        return lines_text(order_fragments(fragments(glyphs)))
    numbered = _line_glyphs(0, [(0, "6."), (40, "属于四类过程性信")], 0) + _line_glyphs(13, [(0, "息")], 1)
    assert cell(numbered) == "6. 属于四类过程性信息"
    grouped = _line_glyphs(6, [(0, "不予公开")], 0) + _line_glyphs(0, [(60, "1.属于国家")], 1) \
        + _line_glyphs(13, [(60, "秘密")], 2)
    assert cell(grouped) == "不予公开 1.属于国家秘密"


def test_a_rule_across_parts_tight_lines_of_a_table_without_column_rules():
    """A table ruled across only: its header (names centred over right-aligned values) sits
    as tight over the first row as a wrapped label's lines do. The rule between them parts
    them; without it they would be one row."""
    from extractor.grid import Rule, row_cuts
    from extractor.layout import text_rows
    header = _line_glyphs(0, [(100, "信息内容"), (300, "本年制发件数")], 0)
    row = _line_glyphs(16, [(0, "规章"), (390, "0")], 1)
    rows = text_rows(header + row)
    assert row_cuts(rows) == []
    assert len(row_cuts(rows, [Rule(13.0, 0.0, 400.0)])) == 1
    # a rule under another part of the page parts nothing
    assert row_cuts(rows, [Rule(13.0, 500.0, 700.0)]) == []


def test_a_block_title_set_tight_over_its_table_stays_a_line_of_its_own():
    from extractor.layout import text_rows
    from extractor.textgrid import find_text_tables
    title = _line_glyphs(0, [(200, "第二十条第（一）项")], 0)
    header = _line_glyphs(14, [(100, "信息内容"), (300, "本年制发件数")], 1)
    rows = title + header + _line_glyphs(28, [(0, "规章"), (390, "0")], 2) \
        + _line_glyphs(48, [(0, "行政规范性文件"), (390, "3")], 3)
    tables = find_text_tables(text_rows(rows))
    assert [t.start for t in tables] == [1]


def test_an_item_number_set_apart_is_no_value_line_of_a_wrapped_row():
    """A wrapped label whose first line is "1  申请人无正当理由逾期" (the number's dot lost, set
    a little apart) and whose values stand by its second line: one row, not two."""
    from extractor.grid import row_cuts
    from extractor.layout import text_rows
    first = _line_glyphs(0, [(0, "1"), (22, "申请人无正当理由逾期")], 0)
    second = _line_glyphs(12, [(0, "不补正、行政机关不再处理其"), (200, "0"), (240, "3")], 1)
    third = _line_glyphs(24, [(0, "政府信息公开申请")], 2)
    assert row_cuts(text_rows(first + second + third)) == []
    # a number standing well apart from the text after it is a value
    apart = _line_glyphs(0, [(0, "1"), (60, "申请人无正当理由逾期")], 0)
    assert len(row_cuts(text_rows(apart + second + third))) == 1


def test_a_page_whose_text_is_an_invisible_layer_says_so(tmp_path: Path) -> None:
    """A scan OCR'd by its producer carries its text painted invisibly (render mode 3): read
    as text all the same, with a warning naming the page; visible text gets none."""
    doc = pymupdf.open()
    for mode in (3, 0):
        page = doc.new_page()
        for k in range(3):
            page.insert_text((72, 90 + 20 * k), f"一、本年新收政府信息公开申请数量 {k}", fontname="china-s",
                             fontsize=11, render_mode=mode)
    d = read_pdf(save(doc, tmp_path, "layer.pdf"))
    assert [ln.page for ln in d.lines if "本年新收" in ln.text] == [1, 1, 1, 2, 2, 2]
    assert [w.split(":")[0] for w in d.warnings if "invisibly" in w] == ["page 1"]

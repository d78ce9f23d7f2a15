"""What a reviewer sees: a field with its labels, the rules about it, and where it was read;
the tables as the national form lays them out; results with the corrections applied.

Everything here is a plain function of a stored result, its corrections and the stored
original, so the HTTP layer only moves data.
"""

from __future__ import annotations

import copy
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from ..corrections_format import Correction
from ..template import Table, Template, load_templates
from .uploads import MUPDF_LOCK

CROP_WIDTH_PX = 1100  # width of a rendered crop
CROP_MAX_ZOOM = 3.0
CROP_ROWS_AROUND = 4  # field heights shown above and below the field


# ---------------------------------------------------------------------- labels


@lru_cache(maxsize=None)
def _index(template_name: str) -> dict[str, tuple[Table, object, object]]:
    t = load_templates()[template_name]
    return {tb.field_id(r.id, c.id): (tb, r, c) for tb in t.tables for r in tb.rows for c in tb.columns}


def field_labels(template_name: str, field_id: str) -> Optional[dict]:
    """Chinese labels of a field: its table, row (with group) and column; None if unknown."""
    hit = _index(template_name).get(field_id)
    if hit is None:
        return None
    table, row, col = hit
    return {"section": table.section, "table": table.title, "row": row.label, "column": col.label}


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、])")
_PAREN = re.compile(r"(?<=.)（[^）]*）")


def _row_short(label: str, limit: int = 12) -> str:
    """A row label short enough for a formula: its own part, no numbering or parenthetical."""
    own = label.rpartition(" ")[2]
    own = _PAREN.sub("", _NUMBERING.sub("", own)) or own
    return own if len(own) <= limit else own[:limit - 1] + "…"


# ---------------------------------------------------------------------- values in force


def number(v):
    """Integral floats as ints, for people and JSON alike."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def apply_corrections(result: dict, latest: dict[str, Correction]) -> dict:
    """A copy of the result whose corrected fields hold the reviewer's value (status ``ok``, or
    ``blank`` for an empty value; confidence 1.0) and say under ``reviewed`` who decided, when, and
    what the extractor had read."""
    r = copy.deepcopy(result)
    for fid, c in latest.items():
        f = r.get("fields", {}).get(fid)
        if f is None:
            continue
        f["reviewed"] = {"action": "confirmed" if c.confirmed else "corrected", "reviewer": c.reviewer,
                         "time": c.time, "value_extracted": f["value"], "status_extracted": f["status"],
                         "confidence_extracted": f["confidence"]}
        f["value"] = number(c.value_after)
        f["status"] = "ok" if c.value_after is not None else "blank"
        f["confidence"] = 1.0
    return r


# ---------------------------------------------------------------------- the rules about a field


def explain_rules(template: Template, field_id: str, fields: dict) -> list[dict]:
    """Each instance of a form rule that involves the field, evaluated on the values in force:
    whether it holds, and what the field would have to be for it to hold, e.g.
    ``总计 should be 35 = 予以公开 20 + 部分公开 15 (19 more at 0)``."""
    out = []
    table = _index(template.name)[field_id][0] if field_id in _index(template.name) else None
    for eq in template.equations_by_field.get(field_id, ()):
        kind, _, ident = eq.where.partition(" ")
        own = "column" if kind == "row" or kind == "group" else "row"

        def label(fid: str) -> str:
            hit = _index(template.name).get(fid)
            if hit is None:
                return fid
            _, r, c = hit
            return c.label if own == "column" else _row_short(r.label)

        def value(fid: str):
            f = fields.get(fid)
            return None if f is None else f.get("value")

        lhs_vals = [value(f) for f in eq.lhs]
        rhs_vals = [value(f) for f in eq.rhs]
        known = all(v is not None for v in lhs_vals + rhs_vals)
        holds = (math.isclose(sum(lhs_vals), sum(rhs_vals), abs_tol=1e-6) if known else None)
        same, other = (eq.lhs, eq.rhs) if field_id in eq.lhs else (eq.rhs, eq.lhs)
        same_rest = [f for f in same if f != field_id]
        expected = None
        if all(value(f) is not None for f in list(other) + same_rest):
            expected = number(sum(value(f) for f in other) - sum(value(f) for f in same_rest))
        terms = _terms(other, label, value)
        if any(value(f) != 0 for f in same_rest):
            terms += " − (" + _terms(same_rest, label, value) + ")"
        verb = "is" if holds else "should be"
        text = (f"{label(field_id)} {verb} {_fmt(expected)} = {terms}" if expected is not None
                else f"{label(field_id)}: not every value of this rule is known ({terms})")
        out.append({"rule": eq.rule, "where": _where(template, table, kind, ident), "holds": holds,
                    "expected": expected, "value": number(value(field_id)), "text": text,
                    "fields": list(eq.lhs + eq.rhs)})
    return out


def _where(template: Template, table: Optional[Table], kind: str, ident: str) -> str:
    if table is None:
        return f"{kind} {ident}"
    if kind == "column":
        for c in table.columns:
            if c.id == ident:
                return f"column {c.label}"
    for r in table.rows:
        if r.id == ident:
            return f"row {r.label}"
    return f"{kind} {ident}"


def _terms(ids: Iterable[str], label, value) -> str:
    shown, zeros, unknown = [], 0, 0
    for f in ids:
        v = value(f)
        if v is None:
            unknown += 1
            shown.append(f"{label(f)} ?")
        elif v == 0:
            zeros += 1
        else:
            shown.append(f"{label(f)} {_fmt(v)}")
    text = " + ".join(shown) if shown else "0"
    if zeros and shown:
        text += f" ({zeros} more at 0)"
    return text


def _fmt(v) -> str:
    v = number(v)
    if v is None:
        return "?"
    return f"{v:g}" if isinstance(v, float) else str(v)


def field_view(result: dict, field_id: str, latest: dict[str, Correction], history: list[Correction]) -> Optional[dict]:
    """Everything the review page shows about one field; None if the result has no such field."""
    template_name = result.get("template")
    f = result.get("fields", {}).get(field_id)
    if not template_name or f is None:
        return None
    in_force = apply_corrections(result, latest)["fields"]
    template = load_templates()[template_name]
    source = f.get("source") or {}
    kind = result["document"].get("kind")
    return {
        "sha256": result["document"]["sha256"], "document": result["document"].get("name"),
        "kind": kind, "template": template_name, "agency": result.get("agency"), "year": result.get("year"),
        "field_id": field_id, "labels": field_labels(template_name, field_id),
        "value": in_force[field_id]["value"], "extracted": {"value": f["value"], "confidence": f["confidence"],
                                                             "status": f["status"]},
        "confidence": f["confidence"], "status": f["status"], "unit": f.get("unit"), "source": source,
        "reviewed": in_force[field_id].get("reviewed"),
        "rules": explain_rules(template, field_id, in_force),
        "checks": [c for c in result.get("checks", []) if field_id in c.get("fields", [])],
        "has_crop": bool(kind in ("pdf", "image") and source.get("page") and source.get("bbox")),
        "has_lines": bool(kind in ("text", "html") and source.get("line")),
        "history": [c.to_dict() for c in history],
    }


# ---------------------------------------------------------------------- where it was read


def render_crop(path: Path, page_no: int, bbox: list[float], width_px: int = CROP_WIDTH_PX,
                kind: str = "pdf") -> bytes:
    """PNG of the page band around a field (full page width, so the row label shows), with the
    field's box outlined; rendered from the stored original (a PDF, or an image whose boxes
    are in its pixels)."""
    from ..mupdf import pymupdf
    with MUPDF_LOCK:
        doc = _image_as_pdf(path) if kind == "image" else pymupdf.open(str(path), filetype="pdf")
        try:
            if not 1 <= page_no <= doc.page_count:
                raise ValueError(f"page {page_no} is not in the document")
            page = doc[page_no - 1]
            box = pymupdf.Rect(bbox)
            area = page.rect
            h = max(box.height, 12.0)
            clip = pymupdf.Rect(area.x0, box.y0 - CROP_ROWS_AROUND * h, area.x1, box.y1 + CROP_ROWS_AROUND * h) & area
            if clip.is_empty:
                clip = area
            page.draw_rect(box + (-2, -2, 2, 2), color=(0.85, 0.1, 0.1), width=1.6, overlay=True)
            zoom = min(CROP_MAX_ZOOM, width_px / max(clip.width, 1.0))
            pix = page.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), clip=clip, alpha=False)
            return pix.tobytes("png")
        finally:
            doc.close()


def _image_as_pdf(path: Path):
    """The frames of an image as PDF pages one point to the pixel (as OCR boxes are given)."""
    import cv2
    from ..mupdf import pymupdf

    from ..readers.image import load_frames
    doc = pymupdf.open()
    for grey, _dpi in load_frames(str(path)):
        h, w = grey.shape[:2]
        page = doc.new_page(width=w, height=h)
        page.insert_image(page.rect, stream=cv2.imencode(".png", grey)[1].tobytes())
    return doc


@lru_cache(maxsize=16)
def _text_pages(path: str, kind: str) -> tuple[tuple[tuple[int, str], ...], ...]:
    """Lines of a stored text or HTML document by page: (number, text) as the reader numbers them."""
    if kind == "html":
        from ..readers.html import read_html
        doc = read_html(path)
        pages: dict[int, list[tuple[int, str]]] = {}
        for line in doc.lines:
            pages.setdefault(line.page, []).append((line.number, " | ".join(c.raw or c.text for c in line.cells)))
        return tuple(tuple(pages.get(p, ())) for p in range(1, max(pages, default=1) + 1))
    from ..readers.encoding import decode_bytes
    text, _ = decode_bytes(Path(path).read_bytes())
    return tuple(tuple(enumerate(page.splitlines(), 1)) for page in text.split("\f"))


def source_lines(path: Path, kind: str, page: Optional[int], line: int, around: int) -> list[dict]:
    """The source line of a text field with ``around`` lines either side."""
    pages = _text_pages(str(path), kind)
    p = (page or 1) - 1
    if not 0 <= p < len(pages):
        return []
    return [{"number": n, "text": t[:4000], "focus": n == line}
            for n, t in pages[p] if line - around <= n <= line + around]


# ---------------------------------------------------------------------- the tables as the form prints them


def form_tables(result: dict) -> list[dict]:
    """The result's tables laid out as in the national form: header rows and body rows of cells
    (``{"text", "colspan", "rowspan"}`` for labels; ``{"field", "value", "status", "confidence",
    "reviewed"}`` for values), ready to be drawn as HTML tables."""
    template_name = result.get("template")
    if not template_name:
        return []
    fields = result["fields"]
    out = []
    for table in load_templates()[template_name].tables:
        layout = {"requests": _requests_layout, "appeals": _appeals_layout}.get(table.id, _simple_layout)
        header, body = layout(table, fields)
        out.append({"id": table.id, "section": table.section, "title": table.title, "header": header, "rows": body})
    return out


def _label(text: str, colspan: int = 1, rowspan: int = 1) -> dict:
    return {"text": text, "colspan": colspan, "rowspan": rowspan}


def _value(table: Table, row_id: str, col_id: str, fields: dict) -> dict:
    fid = table.field_id(row_id, col_id)
    f = fields.get(fid, {"value": None, "status": "missing", "confidence": 0.0})
    return {"field": fid, "value": f["value"], "status": f["status"], "confidence": f["confidence"],
            "unit": f.get("unit"), "reviewed": (f.get("reviewed") or {}).get("action")}


def _simple_layout(table: Table, fields: dict):
    header = [[_label("信息内容")] + [_label(c.label) for c in table.columns]]
    body = [[_label(r.label)] + [_value(table, r.id, c.id, fields) for c in table.columns] for r in table.rows]
    return header, body


def _requests_layout(table: Table, fields: dict):
    cols = list(table.columns)
    first, middle, last = cols[0], cols[1:-1], cols[-1]
    header = [
        [_label("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), _label("申请人情况", len(cols))],
        [_label(first.label, 1, 2), _label("法人或其他组织", len(middle)), _label(last.label, 1, 2)],
        [_label(c.label) for c in middle],
    ]
    outcomes = [r for r in table.rows if r.label.startswith("（")]
    group_sizes: dict[str, int] = {}
    for r in outcomes:
        if r.group:
            group_sizes[r.group] = group_sizes.get(r.group, 0) + 1
    body, seen_groups = [], set()
    for r in table.rows:
        cells = []
        if r not in outcomes:
            cells.append(_label(r.label, 3))
        else:
            if r is outcomes[0]:
                cells.append(_label("三、本年度办理结果", 1, len(outcomes)))
            if r.group:
                group_text, _, own = r.label.rpartition(" ")
                if r.group not in seen_groups:
                    seen_groups.add(r.group)
                    cells.append(_label(group_text, 1, group_sizes[r.group]))
                cells.append(_label(own))
            else:
                cells.append(_label(r.label, 2))
        body.append(cells + [_value(table, r.id, c.id, fields) for c in cols])
    return header, body


def _appeals_layout(table: Table, fields: dict):
    rows, cols = list(table.rows), list(table.columns)
    standalone = [r for r in rows if not r.group]
    grouped = [r for r in rows if r.group]
    group_text = grouped[0].label.rpartition(" ")[0] if grouped else ""
    top = [_label(r.label, len(cols)) for r in standalone]
    if grouped:
        top.append(_label(group_text, len(cols) * len(grouped)))
    second = [_label(c.label, 1, 2) for _ in standalone for c in cols]
    second += [_label(r.label.rpartition(" ")[2], len(cols)) for r in grouped]
    third = [_label(c.label) for _ in grouped for c in cols]
    body = [[_value(table, r.id, c.id, fields) for r in standalone + grouped for c in cols]]
    return [top, second, third], body


# ---------------------------------------------------------------------- exports

EXPORT_COLUMNS = ["sha256", "document", "template", "year", "agency", "field_id", "row_label", "column_label",
                  "value", "unit", "status", "confidence", "reviewed", "reviewer", "value_extracted"]


def export_rows(items: Iterable[tuple[dict, dict]]) -> Iterable[dict]:
    """One row per field of every (document, result-with-corrections-applied)."""
    for doc, result in items:
        template = result.get("template")
        for fid, f in result.get("fields", {}).items():
            labels = field_labels(template, fid) if template else None
            reviewed = f.get("reviewed") or {}
            yield {"sha256": doc["sha256"], "document": doc["name"], "template": template,
                   "year": result.get("year"), "agency": result.get("agency"), "field_id": fid,
                   "row_label": labels["row"] if labels else "", "column_label": labels["column"] if labels else "",
                   "value": f["value"], "unit": f.get("unit"), "status": f["status"],
                   "confidence": f["confidence"], "reviewed": reviewed.get("action"),
                   "reviewer": reviewed.get("reviewer"),
                   "value_extracted": reviewed.get("value_extracted", f["value"])}

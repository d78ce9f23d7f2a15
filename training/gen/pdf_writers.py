"""A page's queued drawing operations as a PDF content stream, in the manner of a producer.

The same page (the same text at the same places, the same rules) can be written in very
different streams, and readers meet all of them:

- ``plain``: compact, one text object for the page, one ``Tf Tm Tj`` per line of text and
  one path per rule or frame (as PDF libraries write);
- ``wps``: as WPS Office exports (the real sample in ``tests/data/real`` is one): the page
  turned upside down by a ``cm`` (y runs down), every line of text in its own saved state
  with a clip rectangle around it, its own text object, graphics state (``gs``) and colour,
  set at 20 times its size under a text matrix scaled by 0.05, each character placed by
  its own ``TD``; rules as separate stroked segments, each in its own saved state;
- ``word``: as Microsoft Word exports: tagged content (``BDC``/``EMC`` with marked-content
  ids), a text object per line with ``TJ`` arrays, and rules drawn as thin filled
  rectangles, not stroked lines.

Op kinds (see :func:`page_content`): ``("fill", rect)`` a shaded cell; ``("paint", shape,
fill, stroke, width)`` a rectangle (x0, y0, x1, y1) or a line ((x0, y0), (x1, y1)) with
its own colours; ``("rect", rect)`` a framed cell; ``("line", p0, p1)`` a rule; ``("text",
(x, baseline), text, font, size[, colour])``. Coordinates are points from the page's top.
"""

from __future__ import annotations

from functools import lru_cache

from .pdf_text import CJK_FONT, char_width, font

WRITERS = ("plain", "wps", "word")
SHADE = "0.78 0.86 0.95 rg"  # the fill of ("fill", rect) ops
RULE_WIDTH = 0.6
WPS_SCALE = 0.05  # WPS's text matrix scale: fonts are set at 1 / WPS_SCALE times their size


def encode(text: str, name: str, embed: bool) -> str:
    """Hex string of a text for the font: glyph ids for an embedded font; named only,
    UTF-16BE for the CJK font and Latin-1 otherwise."""
    if embed:
        return "".join([f"{glyph_id(name, ch):04x}" for ch in text])
    return text.encode("utf-16-be" if name == CJK_FONT else "latin-1").hex()


@lru_cache(maxsize=None)
def glyph_id(name: str, ch: str) -> int:
    return font(name).has_glyph(ord(ch))


def resource(name: str, embed: bool) -> str:
    """The page's resource name of a font (embedded fonts get their own)."""
    return "E" + name.replace("-", "") if embed else name


def rgb(colour: tuple) -> str:
    return " ".join(f"{c:.3f}" for c in colour)


def page_content(ops: list, width: float, height: float, embed: bool = False, writer: str = "plain") -> str:
    """The page's content stream as ``writer`` (one of :data:`WRITERS`) writes it."""
    if writer == "wps":
        return _wps(ops, width, height, embed)
    if writer == "word":
        return _word(ops, height, embed)
    if writer != "plain":
        raise ValueError(f"writer: {writer!r}; choose from {WRITERS}")
    return _plain(ops, height, embed)


def _box(rect: tuple, height: float) -> str:
    """A rectangle of the page (from its top) as ``re`` operands, y up."""
    x0, y0, x1, y1 = rect
    return f"{x0:.2f} {height - y1:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re"


def _paint(shape: tuple, fill, stroke, width: float, height: float | None) -> str:
    """A painted rectangle or line; ``height`` None: y runs down (under WPS's ``cm``)."""
    def y(v: float) -> float:
        return v if height is None else height - v

    if len(shape) == 2:
        (x0, y0), (x1, y1) = shape
        path = f"{x0:.2f} {y(y0):.2f} m {x1:.2f} {y(y1):.2f} l"
    else:
        x0, y0, x1, y1 = shape
        path = f"{x0:.2f} {min(y(y0), y(y1)):.2f} {x1 - x0:.2f} {y1 - y0:.2f} re"
    colours = (f"{rgb(fill)} rg " if fill else "") + (f"{rgb(stroke)} RG " if stroke else "")
    return f"q {colours}{width:.2f} w {path} {'B' if fill and stroke else 'f' if fill else 'S'} Q"


def _plain(ops: list, height: float, embed: bool) -> str:
    """Fills and painted shapes first, then rules, then all text in one text object."""
    out = [f"q {SHADE}"] + [_box(op[1], height) + " f" for op in ops if op[0] == "fill"]
    out += [_paint(*op[1:], height) for op in ops if op[0] == "paint"]
    out.append(f"Q q {RULE_WIDTH} w 0 0 0 RG")
    for op in ops:
        if op[0] == "rect":
            out.append(_box(op[1], height) + " S")
        elif op[0] == "line":
            (x0, y0), (x1, y1) = op[1], op[2]
            out.append(f"{x0:.2f} {height - y0:.2f} m {x1:.2f} {height - y1:.2f} l S")
    out.append("Q BT")
    for op in ops:
        if op[0] == "text":
            (x, y), text, name, size, *colour = op[1:]
            show = (f"/{resource(name, embed)} {size:g} Tf 1 0 0 1 {x:.2f} {height - y:.2f} Tm "
                    f"<{encode(text, name, embed)}> Tj")
            out.append(f"{rgb(colour[0])} rg {show} 0 g" if colour else show)
    out.append("ET")
    return "\n".join(out)


def _segments(ops: list) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """The rules of ``rect`` and ``line`` ops as segments, each once (adjacent framed cells
    share their edges; a producer draws a border once)."""
    seen: dict = {}
    for op in ops:
        if op[0] == "rect":
            x0, y0, x1, y1 = op[1]
            sides = [((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)), ((x0, y1), (x1, y1)), ((x0, y0), (x0, y1))]
        elif op[0] == "line":
            sides = [(op[1], op[2])]
        else:
            continue
        for a, b in sides:
            key = tuple(round(v, 2) for v in (*min(a, b), *max(a, b)))
            seen.setdefault(key, (min(a, b), max(a, b)))
    return list(seen.values())


def _text_parts(op: tuple):
    (x, y), text, name, size, *colour = op[1:]
    return x, y, text, name, size, (colour[0] if colour else (0.0, 0.0, 0.0))


def _wps(ops: list, width: float, height: float, embed: bool) -> str:
    """WPS: y runs down under a flipping ``cm``; each line of text clipped, in its own
    state and text object, character by character (see the module's docstring)."""
    out = [f"q\n1 0 0 -1 0 {height:g} cm\nq\n0 0 {width:g} {height:g} re\nW* n"]
    for op in ops:
        if op[0] == "fill":
            x0, y0, x1, y1 = op[1]
            out.append(f"q\n{SHADE}\n{x0:.2f} {y0:.2f} {x1 - x0:.2f} {y1 - y0:.2f} re\nf\nQ")
        elif op[0] == "paint":
            out.append(_paint(*op[1:], None))
        elif op[0] == "text":
            out.append(_wps_text(*_text_parts(op), embed))
    out.append(f"{RULE_WIDTH} w\n2 M\n2 j\n0 0 0 RG")
    for (x0, y0), (x1, y1) in _segments(ops):
        out.append(f"q\n/GS0 gs\n{x0:.2f} {y0:.2f} m\n{x1:.2f} {y1:.2f} l\nS\nQ")
    out.append("Q\nQ")
    return "\n".join(out)


def _wps_text(x: float, y: float, text: str, name: str, size: float, colour: tuple, embed: bool) -> str:
    big = size / WPS_SCALE
    shows = []
    for k, ch in enumerate(text):
        shows.append(f"<{encode(ch, name, embed)}>Tj")
        if k + 1 < len(text):
            shows.append(f" {char_width(name, ch) * big:.3f} -0 TD")
    w = sum(char_width(name, ch) for ch in text) * size
    clip = f"{x - 0.6:.2f} {y - size:.2f} {w + 1.2:.2f} {size * 1.3:.2f} re"
    return (f"q\n{clip}\nW* n\n0.05 w\n2 M\n2 J\n2 j\n{rgb(colour)} RG\nq\nBT\n{rgb(colour)} rg\n"
            f"/{resource(name, embed)} {big:g} Tf\n/GS0 gs\n{WPS_SCALE} 0 0 -{WPS_SCALE} {x:.2f} {y:.2f} Tm\n"
            + "".join(shows) + "\nET\nQ\nQ")


def _word(ops: list, height: float, embed: bool) -> str:
    """Word: tagged content, a text object per line with a ``TJ`` array, rules and
    frames as thin filled rectangles."""
    out = [f"q {SHADE}"] + [_box(op[1], height) + " f" for op in ops if op[0] == "fill"]
    out += [_paint(*op[1:], height) for op in ops if op[0] == "paint"]
    out.append("Q")
    half = RULE_WIDTH / 2
    for (x0, y0), (x1, y1) in _segments(ops):
        rect = (x0 - half, y0 - half, x1 + half, y1 + half)
        out.append(f"/Artifact BMC q 0 0 0 rg {_box(rect, height)} f* Q EMC")
    for mcid, op in enumerate(o for o in ops if o[0] == "text"):
        x, y, text, name, size, colour = _text_parts(op)
        out.append(f"/P <</MCID {mcid}>> BDC BT /{resource(name, embed)} {size:g} Tf "
                   f"1 0 0 1 {x:.3f} {height - y:.3f} Tm {rgb(colour)} rg {rgb(colour)} RG "
                   f"[<{encode(text, name, embed)}>] TJ ET EMC")
    return "\n".join(out)

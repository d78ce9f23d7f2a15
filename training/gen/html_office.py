"""A report as Word or WPS writes it with "Save as Web Page" (另存为网页).

What such pages hold: an Office ``<html xmlns:o=...>`` head with the charset only in
``<meta http-equiv=Content-Type>``, ``<!--[if gte mso 9]><xml>`` blocks and a commented
style sheet; paragraphs ``<p class=MsoNormal>`` whose text is split into ``<span>`` runs
(Latin and digits in ``<span lang=EN-US>``, WPS adds ``<font face=...>``), ``<o:p></o:p>``
ends and ``<o:p>&nbsp;</o:p>`` blank cells, ``mso-spacerun`` spaces, headings numbered by
Word's lists (``<![if !supportLists]>一、&nbsp;&nbsp; <![endif]>``), page breaks
``<br clear=all style='page-break-before:always'>``, tables with ``width``/``valign`` cells
and border styles, a vertical label typed one character per paragraph, and the trailing
``<![if !supportMisalignedColumns]>`` row of empty cells. Source lines are wrapped at about
76 characters at spaces, inside tags and attribute values too, as Word does.
"""

from __future__ import annotations

import html
import random
import re

from .document import Block
from .grid import Cell, Grid

_LATIN = re.compile(r"([\x21-\x7e]+(?: [\x21-\x7e]+)*)")
BODY_FONTS = ["仿宋_GB2312", "仿宋", "宋体"]
HEAD_FONTS = ["黑体", "方正黑体_GBK"]
TITLE_FONTS = ["方正小标宋简体", "方正小标宋_GBK", "宋体"]
PAGE_WIDTH = 590  # pixels of a table at 100%


def wrap_source(text: str, width: int = 76) -> str:
    """Break long source lines at spaces, as Word's HTML writer does."""
    out = []
    for line in text.split("\n"):
        while len(line) > width:
            cut = line.rfind(" ", 0, width)
            if cut <= 0:
                cut = line.find(" ", width)
                if cut < 0:
                    break
            out.append(line[:cut])
            line = line[cut + 1:]
        out.append(line)
    return "\n".join(out)


class Office:
    """The markup choices of one exported document (Word or WPS)."""

    def __init__(self, rng: random.Random, wps: bool):
        self.rng = rng
        self.wps = wps
        self.body_font = rng.choice(BODY_FONTS)
        self.cell_font = rng.choice(BODY_FONTS)
        self.list_headings = rng.random() < 0.35
        self.vertical = rng.choice(["plain", "per_char", "flow"])
        self.break_sections = rng.random() < 0.5
        self.blank_paras = rng.random() < 0.5

    def runs(self, text: str, style: str) -> str:
        """Text as Word's span runs: Latin and digits in ``lang=EN-US`` spans."""
        parts = []
        for k, piece in enumerate(_LATIN.split(text)):
            if not piece:
                continue
            body = html.escape(piece, quote=False)
            if self.wps:
                face = "Times New Roman" if k % 2 else style.split("font-family:")[-1].split(";")[0]
                body = f'<font face="{face}">{body}</font>'
            lang = " lang=EN-US" if k % 2 else ""
            parts.append(f"<span{lang} style='{style}'>{body}</span>")
        return "".join(parts)

    def end_mark(self, style: str) -> str:
        return f"<span lang=EN-US style='{style}'><o:p></o:p></span>"

    def blank_para(self) -> str:
        return "<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"

    def page_break(self) -> str:
        return ("<span lang=EN-US style='font-size:16.0pt;font-family:" + self.body_font
                + "'><br clear=all style='mso-special-character:line-break;page-break-before:always'>\n</span>")

    # -- flow blocks
    def paragraph(self, block: Block) -> str:
        rng = self.rng
        if block.kind == "title":
            style = f"font-size:22.0pt;font-family:{rng.choice(TITLE_FONTS)};color:black"
            return (f"<p class=MsoNormal align=center style='text-align:center;line-height:28.0pt;"
                    f"mso-line-height-rule:exactly'><b>{self.runs(block.text, style)}{self.end_mark(style)}</b></p>")
        if block.kind == "heading":
            return self.heading(block.text)
        style = f"font-size:16.0pt;font-family:{self.body_font};mso-hansi-font-family:宋体"
        if block.kind == "sign":
            return (f"<p class=MsoNormal align=right style='text-align:right;line-height:28.0pt'>"
                    f"{self.runs(block.text, style)}{self.end_mark(style)}</p>")
        lead = "<span style='mso-spacerun:yes'>&nbsp;&nbsp;&nbsp; </span>" if rng.random() < 0.15 else ""
        indent = "text-indent:32.0pt;mso-char-indent-count:2.0;" if not lead else ""
        return (f"<p class=MsoNormal style='{indent}line-height:28.0pt;mso-line-height-rule:exactly'>"
                f"{lead}{self.runs(block.text, style)}{self.end_mark(style)}</p>")

    def heading(self, text: str) -> str:
        style = f"font-size:16.0pt;font-family:{self.rng.choice(HEAD_FONTS)}"
        number, _, rest = text.partition("、")
        if self.list_headings and rest:
            gap = "&nbsp;" * self.rng.randint(1, 6) + " "
            return (f"<p class=MsoListParagraph style='margin-left:42.0pt;text-indent:-42.0pt;"
                    f"mso-list:l0 level1 lfo1'><![if !supportLists]><span style='{style}'><span "
                    f"style='mso-list:Ignore'>{number}、<span style='font:7.0pt \"Times New Roman\"'>"
                    f"{gap}</span></span></span><![endif]>{self.runs(rest, style)}{self.end_mark(style)}</p>")
        tag = "h2" if self.rng.random() < 0.2 else "p class=MsoNormal"
        end = tag.split()[0]
        return (f"<{tag} style='text-indent:32.0pt;mso-char-indent-count:2.0'><b>{self.runs(text, style)}"
                f"{self.end_mark(style)}</b></{end}>")

    # -- tables
    def table(self, grid: Grid) -> str:
        weights = grid.col_weights or [1.0] * grid.ncols
        scale = PAGE_WIDTH / sum(weights)
        widths = [max(2, round(w * scale)) for w in weights]
        border = "1" if self.rng.random() < 0.5 else "0"
        lines = [f"<div align=center>\n\n<table class=MsoNormalTable border={border} cellspacing=0 cellpadding=0"
                 f" width={sum(widths)} style='width:{sum(widths) * 0.75:.1f}pt;border-collapse:collapse;"
                 f"border:none;mso-border-alt:solid windowtext .5pt;mso-yfti-tbllook:1184;"
                 f"mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>"]
        for r in range(grid.nrows):
            first = ";mso-yfti-firstrow:yes" if r == 0 else ""
            last = ";mso-yfti-lastrow:yes" if r == grid.nrows - 1 else ""
            lines.append(f" <tr style='mso-yfti-irow:{r}{first}{last};height:{self.rng.choice([20.1, 22.7, 28.35])}pt'>")
            for cell in grid.row_cells(r):
                lines.append(self.cell(cell, widths))
            lines.append(" </tr>")
        if self.rng.random() < 0.6:
            lines.append(" <![if !supportMisalignedColumns]>\n <tr height=0>")
            lines += [f"  <td width={w} style='border:none'></td>" for w in widths]
            lines.append(" </tr>\n <![endif]>")
        lines.append("</table>\n\n</div>")
        return "\n".join(lines)

    def cell(self, cell: Cell, widths: list[int]) -> str:
        rng = self.rng
        width = sum(widths[cell.col:cell.col + cell.colspan])
        attrs = f"width={width}"
        if self.wps:
            attrs += " valign=center"
        if cell.colspan > 1:
            attrs += f" colspan={cell.colspan}"
        if cell.rowspan > 1:
            attrs += f" rowspan={cell.rowspan}"
        if not self.wps:
            attrs += " valign=top" if rng.random() < 0.3 else ""
        top = "border-top:none;" if cell.row else ""
        left = "border-left:none;" if cell.col else ""
        flow = "layout-flow:vertical-ideographic;" if self.vertical == "flow" and cell.role == "group" \
            and cell.rowspan > 1 else ""
        style = (f"width:{width * 0.75:.1f}pt;border:solid windowtext 1.0pt;{top}{left}"
                 f"mso-border-alt:solid windowtext .5pt;{flow}padding:0cm 5.4pt 0cm 5.4pt")
        return f"  <td {attrs} style='{style}'>\n  {self.cell_body(cell)}\n  </td>"

    def cell_body(self, cell: Cell) -> str:
        style = f"font-size:10.5pt;font-family:{self.cell_font}"
        centre = "align=center style='text-align:center'"
        if not cell.text.strip():
            return f"<p class=MsoNormal {centre}><span lang=EN-US style='{style}'><o:p>&nbsp;</o:p></span></p>"
        bold = cell.role in ("title", "header") and self.rng.random() < 0.5
        if self.vertical == "per_char" and cell.role == "group" and cell.rowspan > 1:
            lines = list(cell.text)
        else:
            lines = cell.text.split("\n")
        paras = []
        for text in lines:
            body = self.runs(text, style) + self.end_mark(style)
            if cell.role in ("label", "parent") and self.rng.random() < 0.1:
                body = "<span style='mso-spacerun:yes'>&nbsp; </span>" + body
            if bold:
                body = f"<b>{body}</b>"
            align = centre if cell.role != "label" or self.rng.random() < 0.5 else "style='text-align:left'"
            paras.append(f"<p class=MsoNormal {align}>{body}</p>")
        return "\n  ".join(paras)


def office_head(rng: random.Random, title: str, charset: str, wps: bool) -> str:
    generator = "Microsoft Word 14" if wps else rng.choice(["Microsoft Word 15", "Microsoft Word 12"])
    return f"""<html xmlns:v="urn:schemas-microsoft-com:vml"
xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"
xmlns:m="http://schemas.microsoft.com/office/2004/12/omml"
xmlns="http://www.w3.org/TR/REC-html40">

<head>
<meta http-equiv=Content-Type content="text/html; charset={charset}">
<meta name=ProgId content=Word.Document>
<meta name=Generator content="{generator}">
<meta name=Originator content="{generator}">
<link rel=File-List href="report.files/filelist.xml">
<title>{html.escape(title)}</title>
<!--[if gte mso 9]><xml>
 <o:DocumentProperties>
  <o:Author>Administrator</o:Author>
  <o:Pages>{rng.randint(4, 12)}</o:Pages>
  <o:Words>{rng.randint(1500, 6000)}</o:Words>
 </o:DocumentProperties>
</xml><![endif]-->
<style>
<!--
 /* Font Definitions */
 @font-face
	{{font-family:宋体;
	panose-1:2 1 6 0 3 1 1 1 1 1;}}
p.MsoNormal, li.MsoNormal, div.MsoNormal
	{{margin:0cm;
	text-align:justify;
	text-justify:inter-ideograph;
	font-size:10.5pt;
	font-family:"Times New Roman","serif";}}
@page WordSection1
	{{size:595.3pt 841.9pt;
	margin:72.0pt 90.0pt 72.0pt 90.0pt;}}
div.WordSection1
	{{page:WordSection1;}}
-->
</style>
<!--[if gte mso 10]>
<style>
 table.MsoNormalTable
	{{mso-style-name:普通表格;
	mso-padding-alt:0cm 5.4pt 0cm 5.4pt;}}
</style>
<![endif]-->
</head>

<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>

<div class=WordSection1 style='layout-grid:15.6pt'>
"""


def office_page(rng: random.Random, blocks: list[Block], charset: str, wps: bool) -> str:
    """The page Word (or WPS, ``wps``) writes for the report's blocks."""
    office = Office(rng, wps)
    title = "".join(b.text for b in blocks if b.kind == "title")
    parts = [office_head(rng, title, charset, wps)]
    for block in blocks:
        if block.kind == "table":
            parts.append(office.table(block.grid))
        elif block.kind == "break":
            parts.append(f"<p class=MsoNormal>{office.page_break()}</p>")
        else:
            if block.kind == "heading" and office.break_sections and rng.random() < 0.3:
                parts.append(office.page_break())
            parts.append(office.paragraph(block))
        if office.blank_paras and rng.random() < 0.3:
            parts.append(office.blank_para())
    parts.append("\n</div>\n\n</body>\n\n</html>\n")
    return wrap_source("\n\n".join(parts))

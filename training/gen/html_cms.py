"""A report as a government site's content system publishes it (UEditor, KindEditor, TRS).

The article sits in the site's page: a location bar, the title in ``<h1>``, a line of
publishing facts, the editor's content, a footer with the site's identifiers. Editors
differ in how they write the same content:

- UEditor: ``<p style="text-indent: 2em;">``, ``<tr class="firstRow">``, ``<td width=..
  valign="top" style="word-break: break-all;">``, ``<br/>`` in blank cells, ``<th>`` header cells;
- KindEditor: paragraphs led by ``&emsp;&emsp;`` or full-width spaces, ``<strong>`` headings,
  tables with ``<colgroup>`` and no ``<tbody>``;
- TRS: a ``<div class=TRS_Editor>`` with its own ``<style>``, tables pasted from Word with
  their ``MsoNormal`` paragraphs and ``<o:p>`` kept, ``<font>`` tags;
- hand-written or old pages: upper-case tags, attributes without quotes, ``<td>``/``<tr>``
  never closed, ``&nbsp;`` and ``&ensp;`` padding, numbers in ``<strong>``, Excel-pasted cells
  with ``x:num``/``x:str``.
"""

from __future__ import annotations

import html
import random

from .document import Block
from .grid import Cell, Grid

EDITORS = ("ueditor", "kindeditor", "trs", "handmade")


class Cms:
    """The markup choices of one published article."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.editor = rng.choice(EDITORS)
        self.upper = self.editor == "handmade" and rng.random() < 0.5
        self.unclosed = self.editor == "handmade" and rng.random() < 0.7
        self.excel = self.editor in ("handmade", "trs") and rng.random() < 0.4
        self.th_header = self.editor in ("ueditor", "handmade") and rng.random() < 0.5
        self.strong_numbers = rng.random() < 0.15
        self.indent = rng.choice(["css", "emsp", "ideographic", "ensp"])

    def tag(self, name: str) -> str:
        return name.upper() if self.upper else name

    def attr(self, name: str, value) -> str:
        if self.editor == "handmade" and " " not in str(value):
            return f" {name}={value}"
        return f' {name}="{value}"'

    # -- flow blocks
    def paragraph(self, block: Block) -> str:
        text = html.escape(block.text, quote=False)
        p = self.tag("p")
        if block.kind == "title":
            return f'<{p} style="text-align: center;"><strong>{text}</strong></{p}>'
        if block.kind == "heading":
            if self.rng.random() < 0.3:
                return f"<h3>{text}</h3>"
            return f"<{p}{self.lead()}><strong>{text}</strong></{p}>"
        if block.kind == "sign":
            return f'<{p} style="text-align: right;">{text}</{p}>'
        if block.kind == "break":
            return f"<{p}><br/></{p}>"
        return f"<{p}{self.lead()}>{self.lead_text()}{text}</{p}>"

    def lead(self) -> str:
        return ' style="text-indent: 2em;"' if self.indent == "css" else ""

    def lead_text(self) -> str:
        return {"css": "", "emsp": "&emsp;&emsp;", "ideographic": "\u3000\u3000", "ensp": "&ensp;&ensp;&ensp;&ensp;"}[self.indent]

    # -- tables
    def table(self, grid: Grid) -> str:
        rng, t = self.rng, self.tag
        widths = [round(w * 60) for w in (grid.col_weights or [1.0] * grid.ncols)]
        if self.editor == "ueditor":
            head = f'<{t("table")} width="100%" data-sort="sortDisabled">'
        elif self.editor == "kindeditor":
            head = (f'<{t("table")} style="width:100%;" cellpadding="2" cellspacing="0" border="1"'
                    f' bordercolor="#000000">')
        else:
            head = f"<{t('table')}{self.attr('border', 1)}{self.attr('cellspacing', 0)}{self.attr('cellpadding', 0)}" \
                   f"{self.attr('width', '100%')}>"
        lines = [head]
        if self.editor == "kindeditor" or self.excel or rng.random() < 0.2:
            cols = "".join(f"<col{self.attr('width', w)}/>" for w in widths)
            lines.append(f"<colgroup>{cols}</colgroup>" if rng.random() < 0.7 else cols)
        body = self.editor != "kindeditor" and not self.unclosed and rng.random() < 0.8
        th_rows = grid.header_rows if self.th_header else 0
        if th_rows and rng.random() < 0.5:
            lines.append(f"<{t('thead')}>")
        elif body:
            lines.append(f"<{t('tbody')}>")
        for r in range(grid.nrows):
            row = "".join(self.cell(c, widths, r < th_rows) for c in grid.row_cells(r))
            first = ' class="firstRow"' if self.editor == "ueditor" and r == 0 else ""
            end = "" if self.unclosed else f"</{t('tr')}>"
            lines.append(f"<{t('tr')}{first}>{row}{end}")
        lines.append(f"</{t('tbody')}>\n</{t('table')}>" if body else f"</{t('table')}>")
        return "\n".join(lines)

    def cell(self, cell: Cell, widths: list[int], header: bool) -> str:
        name = self.tag("th" if header else "td")
        attrs = ""
        if cell.rowspan > 1:
            attrs += self.attr("rowspan", cell.rowspan)
        if cell.colspan > 1:
            attrs += self.attr("colspan", cell.colspan)
        if self.editor == "ueditor":
            attrs = f' width="{sum(widths[cell.col:cell.col + cell.colspan])}" valign="top"' \
                    f' style="word-break: break-all;"{attrs}'
        elif self.excel:
            kind = "x:num" if cell.role == "value" and cell.text.strip().replace(",", "").isdigit() else "x:str"
            number = f'="{cell.text.replace(",", "")}"' if kind == "x:num" and self.rng.random() < 0.5 else ""
            attrs += f' class="xl{self.rng.randint(63, 72)}" {kind}{number}'
        end = "" if self.unclosed else f"</{name}>"
        return f"<{name}{attrs}>{self.cell_text(cell)}{end}"

    def cell_text(self, cell: Cell) -> str:
        rng = self.rng
        text = html.escape(cell.text, quote=False).replace("\n", "<br/>")
        if not cell.text.strip():
            return rng.choice(["&nbsp;", "<br/>", "", "\u3000", "&nbsp;&nbsp;"])
        if cell.role == "value" and self.strong_numbers:
            text = f"<strong>{text}</strong>"
        elif cell.role == "value" and rng.random() < 0.1:
            text = rng.choice(["&nbsp;", "&ensp;", " "]) + text
        if self.editor == "trs":
            face = self.attr("face", "宋体")
            return (f'<p class="MsoNormal" align="center" style="text-align:center"><span style="font-size:10.5pt;'
                    f'font-family:宋体"><font{face}>{text}</font><o:p></o:p></span></p>')
        if self.editor == "ueditor" and rng.random() < 0.5:
            return f"<p>{text}</p>"
        return text


def cms_chrome(rng: random.Random, title: str, agency: str) -> tuple[str, str]:
    """The site's page around the article: (before, after)."""
    t = html.escape(title)
    year = rng.randint(2020, 2023)
    before = (f'<div class="top"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/hdjl/">互动交流</a></div>\n'
              f'<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; '
              f'<a href="/zwgk/ndbg/">政府信息公开年报</a></div>\n<div class="article">\n<h1 class="title">{t}</h1>\n'
              f'<div class="info">发布时间：{year}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}&nbsp;&nbsp;'
              f'来源：{html.escape(agency)}&nbsp;&nbsp;【字体：<a href="javascript:;">大</a> <a href="javascript:;">中</a> '
              f'<a href="javascript:;">小</a>】</div>\n')
    after = (f'\n<div class="tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">'
             f'关闭窗口</a></div>\n</div>\n<div class="footer">主办单位：{html.escape(agency)}&nbsp; 网站标识码：'
             f'{rng.randint(10 ** 9, 10 ** 10 - 1)}&nbsp; <a href="https://beian.miit.gov.cn/">京ICP备'
             f'{rng.randint(10 ** 7, 10 ** 8 - 1)}号</a><br/>公网安备 {rng.randint(10 ** 13, 10 ** 14 - 1)}号</div>\n')
    return before, after


def cms_page(rng: random.Random, blocks: list[Block], meta: str, agency: str) -> str:
    """The published page; ``meta`` is the charset declaration (may be empty)."""
    cms = Cms(rng)
    title = "".join(b.text for b in blocks if b.kind == "title")
    before, after = cms_chrome(rng, title, agency) if rng.random() < 0.7 else ("", "")
    content = []
    if cms.editor == "trs":
        content.append('<div class="TRS_Editor"><style type="text/css">\n.TRS_Editor P{margin-top:0;margin-bottom:0;'
                       'line-height:2;font-family:宋体;font-size:12pt;}\n</style><div class="Custom_UnionStyle">')
    for block in blocks:
        content.append(cms.table(block.grid) if block.kind == "table" else cms.paragraph(block))
    if cms.editor == "trs":
        content.append("</div></div>")
    head = f'<!DOCTYPE html>\n<html>\n<head>\n{meta}\n<title>{html.escape(title)}</title>\n' \
           '<link rel="stylesheet" href="/css/article.css">\n<script src="/js/jquery.min.js"></script>\n</head>\n<body>\n'
    article = "\n".join(content)
    return f'{head}{before}<div class="content" id="zoom">\n{article}\n</div>{after}</body>\n</html>\n'

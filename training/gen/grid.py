"""A table as the form draws it: a grid of cells with row and column spans.

Every renderer works from this one shape: HTML writes rowspan/colspan, the PDF renderer
draws the cells, and the text renderers flatten it the way converters do (a full
expansion with merged cells as empty fields, or Word's model where a vertically merged
cell leaves an empty continuation cell and a horizontally merged one is a single cell).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    role: str = "label"  # title | header | note | group | parent | label | value
    field: str | None = None
    vertical: bool = False  # printed one character per line (narrow merged cell)


@dataclass
class Grid:
    name: str  # art20 | requests | appeals
    nrows: int
    ncols: int
    cells: list[Cell] = field(default_factory=list)
    header_rows: int = 0
    col_weights: list[float] = field(default_factory=list)

    def add(self, row: int, col: int, text: str, **kw) -> Cell:
        cell = Cell(row, col, text, **kw)
        self.cells.append(cell)
        return cell

    def anchors(self) -> dict[tuple[int, int], Cell]:
        return {(c.row, c.col): c for c in self.cells}

    def covering(self) -> dict[tuple[int, int], Cell]:
        """Map every grid position to the cell that covers it."""
        out = {}
        for c in self.cells:
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    out[(r, k)] = c
        return out

    def row_cells(self, row: int) -> list[Cell]:
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)

    def expanded(self) -> list[list[str]]:
        """One text per grid position: a cell's text at its top-left, '' elsewhere."""
        anchors = self.anchors()
        return [[anchors[(r, k)].text if (r, k) in anchors else "" for k in range(self.ncols)]
                for r in range(self.nrows)]

    def word_rows(self) -> list[list[str]]:
        """Word's model: spanned columns vanish, vertical continuations are empty cells."""
        cover = self.covering()
        rows = []
        for r in range(self.nrows):
            out, k = [], 0
            while k < self.ncols:
                cell = cover.get((r, k))
                if cell is None:
                    out.append("")
                    k += 1
                    continue
                out.append(cell.text if cell.row == r else "")
                k = cell.col + cell.colspan
            rows.append(out)
        return rows

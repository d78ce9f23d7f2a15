"""Print a result's tables the way the national form lays them out (rich, in a terminal)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table as RichTable

from .template import load_templates

STYLE = {"ok": "", "review": "bold yellow", "inferred": "cyan", "blank": "dim", "missing": "red"}


def _cell(f: dict) -> str:
    v = f["value"]
    text = {"blank": "—", "missing": "?"}.get(f["status"], "" if v is None else f"{v:g}" if isinstance(v, float) else str(v))
    style = STYLE[f["status"]]
    return f"[{style}]{text}[/]" if style else text


def print_tables(result: dict, console: Console | None = None) -> None:
    console = console or Console()
    doc = result["document"]
    console.print(f"[bold]{result.get('agency') or '(agency not found)'}[/] · year {result.get('year')} · "
                  f"template {result.get('template')} ({doc.get('template_confidence', 0):.2f}) · {doc['name']}")
    if result["template"] is None:
        console.print(f"[red]no template: {doc.get('template_reason')}[/]")
        return
    template = load_templates()[result["template"]]
    for table in template.tables:
        rt = RichTable(title=f"{table.section} · {table.title}", title_justify="left")
        rt.add_column("", no_wrap=True, max_width=24)
        for c in table.columns:
            rt.add_column(c.label, justify="right")
        for r in table.rows:
            rt.add_row(r.label.split(" ")[-1], *[_cell(result["fields"][table.field_id(r.id, c.id)]) for c in table.columns])
        console.print(rt)
    failed = [c for c in result["checks"] if not c["ok"]]
    console.print(f"checks: {len(result['checks']) - len(failed)} hold, {len(failed)} fail"
                  + "".join(f"\n  [red]✗[/] {c['rule']} — {c['detail']}" for c in failed))
    counts: dict[str, int] = {}
    for f in result["fields"].values():
        counts[f["status"]] = counts.get(f["status"], 0) + 1
    console.print("fields: " + ", ".join(f"[{STYLE[k]}]{k}[/] {v}" if STYLE[k] else f"{k} {v}"
                                          for k, v in sorted(counts.items())))

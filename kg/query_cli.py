"""Output side of `kg query`: list questions, fill parameters, print results as table, CSV or JSON."""

from __future__ import annotations

import csv
import json
import sys

import typer

from . import queries
from .io import show as _show


def run_query(name: str | None, params: list[str], endpoint: str | None, fmt: str, show: bool) -> int:
    try:
        if not name:
            for q in queries.catalogue().values():
                ps = " ".join(f"{p.name}={p.default}" for p in q.params)
                typer.echo(f"{q.name:32} {q.title}" + (f"   [{ps}]" if ps else ""))
            return 0
        if fmt not in ("table", "csv", "json"):
            raise queries.QueryError(f"--format must be table, csv or json, not {fmt!r}")
        q = queries.get(name)
        values = {}
        for item in params:
            if "=" not in item:
                raise queries.QueryError(f"--param {item!r}: expected key=value")
            k, v = item.split("=", 1)
            values[k.strip()] = v
        sparql = q.render(values)
        if show:
            typer.echo(sparql)
            return 0
        if endpoint:
            cols, rows = queries.run_remote(sparql, endpoint)
        else:
            from .store import load_store

            store = load_store()
            try:
                cols, rows = queries.run_local(sparql, store)
            except SyntaxError as e:  # the question's file: line, column and a caret
                raise queries.syntax_error(sparql, e, _show(q.path)) from None
    except (queries.QueryError, FileNotFoundError) as e:
        typer.secho(f"error: {e}", fg="red", err=True)
        return 2
    except Exception as e:  # endpoint down, query refused …
        text = str(e).strip()
        if len(text) > 400:  # e.g. an endpoint echoing the whole query and a parser trace
            text = text[:400] + " …"
        typer.secho(f"error: query failed: {text}", fg="red", err=True)
        return 1
    table = [[queries.plain(v) for v in row] for row in rows]
    if fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(cols)
        w.writerows(table)
    elif fmt == "json":
        typer.echo(json.dumps([dict(zip(cols, r)) for r in table], ensure_ascii=False, indent=2))
    else:
        from rich.console import Console
        from rich.table import Table

        t = Table(title=q.title, show_lines=False)
        for c in cols:
            t.add_column(c)
        for r in table:
            t.add_row(*r)
        Console().print(t)
        typer.echo(f"{len(table)} row(s)")
    return 0

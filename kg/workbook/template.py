"""Write a workbook — empty (`kg template`) or filled (`kg export-template`) — as .xlsx or as CSV files.

Every sheet of kg.workbook.sheets, nb headers with the help (nb and en) in each header's comment, a
"Veiledning" sheet explaining every column in both languages, drop-down validation for every
controlled value (actor names and focus areas come from their sheets by range reference), frozen
header rows and column widths from the spec. Files are written atomically (kg.io).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..io import atomic_write_bytes, atomic_write_many
from .sheets import BY_NAME, LIST_SEP, SHEETS, VOCABS, Column

#: rows that carry drop-down validation beyond the last filled row
SPARE_ROWS = 500

GUIDE_NB = ("Denne arbeidsboka er handlingsprogrammet som data. Fyll ut én rad per ting; rad 1 er overskriftene "
            "(ikke endre dem). Felt med nedtrekksliste tar bare verdiene i lista. Flere navn i én celle skilles "
            "med semikolon (;). Kjør `kg import ARBEIDSBOK` for å sjekke og lese den inn: hver feil nevner ark, "
            "rad og kolonne (f.eks. Tiltak!F12) og hva du kan gjøre.")
GUIDE_EN = ("This workbook is the action programme as data. Fill in one row per thing; row 1 holds the headers "
            "(do not change them). Cells with a drop-down take only the listed values. Several names in one cell "
            "are separated by a semicolon (;). Run `kg import WORKBOOK` to check and import it: every problem names "
            "the sheet, row and column (e.g. Tiltak!F12) and what to do.")


def cell_value(col: Column, value):
    """A record value as the workbook shows it (nb labels for codes, ja/nei, '; '-joined lists)."""
    if value is None or value == []:
        return None
    if col.type == "bool":
        return "ja" if value else "nei"
    if col.type == "list":
        return f"{LIST_SEP} ".join(str(v) for v in value)
    if col.type == "code" and col.vocab and VOCABS[col.vocab].labels:
        return VOCABS[col.vocab].labels.get(str(value), str(value))
    return value


def _values_text(col: Column) -> str:
    vocab = VOCABS.get(col.vocab or "")
    if vocab is None:
        return ""
    if vocab.sheet_column:
        sheet, key = vocab.sheet_column
        return f"{BY_NAME[sheet].column(key).header} i arket {sheet}"
    return ", ".join(vocab.labels.values())


def guide_rows() -> list[list]:
    """The sheet Veiledning (and Veiledning.csv): the guide in nb and en, then every column explained."""
    rows: list[list] = [["Veiledning (nb)", GUIDE_NB], ["Guide (en)", GUIDE_EN], [],
                        ["Ark / sheet", "Kolonne / column", "Forklaring (nb)", "Help (en)", "Type",
                         "Påkrevd / required", "Verdier / values"]]
    for spec in SHEETS:
        rows.append([spec.name, "", spec.help_nb, spec.help_en])
        for col in spec.columns:
            rows.append([spec.name, col.header, col.help_nb, col.help_en, col.type, "ja" if col.required else "",
                         _values_text(col)])
    return rows


def _validation(ws, col: Column, letter_: str, last: int) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    vocab = VOCABS.get(col.vocab or "")
    if vocab is None:
        return
    if vocab.sheet_column:
        sheet, key = vocab.sheet_column
        ref = BY_NAME[sheet].letter(key)
        formula = f"'{sheet}'!${ref}$2:${ref}${last + 2000}"
    else:
        formula = '"' + ",".join(vocab.labels.values()) + '"'
    multi = col.type == "list"   # several names with ';': the list is a help, not a lock
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=not multi,
                        errorStyle="warning" if multi else "stop",
                        errorTitle=col.header, error=f"{col.help_nb}\n{col.help_en}",
                        promptTitle=col.header[:32], prompt=col.help_nb[:255], showInputMessage=True)
    dv.add(f"{letter_}2:{letter_}{last}")
    ws.add_data_validation(dv)


def xlsx_bytes(rows: dict[str, list] | None = None) -> bytes:
    """The workbook as .xlsx bytes; ``rows`` = {sheet: [row dict by column key]} (None: empty)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    rows = rows or {}
    wb = Workbook()
    guide = wb.active
    guide.title = "Veiledning"
    bold = Font(bold=True)
    for row in guide_rows():
        guide.append(row)
        if row and (row[0] == "Ark / sheet" or (len(row) > 1 and row[1] == "")):
            for cell in guide[guide.max_row]:
                cell.font = bold
    for letter_, width in zip("ABCDEFG", (16, 30, 60, 60, 8, 10, 40)):
        guide.column_dimensions[letter_].width = width
    for r in (1, 2):   # the guide text across B:C, tall enough to read without resizing the row
        guide.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
        guide.cell(r, 1).alignment = Alignment(vertical="top")
        guide.cell(r, 2).alignment = Alignment(wrap_text=True, vertical="top")
        guide.row_dimensions[r].height = 66
    guide.freeze_panes = "A5"

    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for spec in SHEETS:
        ws = wb.create_sheet(spec.name)
        ws.append([c.header for c in spec.columns])
        for i, col in enumerate(spec.columns, start=1):
            cell = ws.cell(1, i)
            cell.font, cell.fill = bold, head_fill
            need = " (påkrevd / required)" if col.required else ""
            cell.comment = Comment(f"{col.help_nb}{need}\n\nEN: {col.help_en}", "kg", width=320, height=140)
            ws.column_dimensions[spec.letter(col.key)].width = col.width
        for row in rows.get(spec.name, []):
            ws.append([cell_value(c, row.get(c.key)) for c in spec.columns])
        wrap = Alignment(wrap_text=True, vertical="top")
        for col in spec.columns:   # kroner with thousands separators; long texts wrapped
            if col.type == "int" or col.width >= 40:
                for (cell,) in ws.iter_rows(min_row=2, min_col=spec.index(col.key), max_col=spec.index(col.key)):
                    if col.type == "int":
                        cell.number_format = "#,##0"
                    else:
                        cell.alignment = wrap
        last = ws.max_row + SPARE_ROWS
        for col in spec.columns:
            _validation(ws, col, spec.letter(col.key), last)
        ws.freeze_panes = "C2" if spec.name == "Tiltak" else "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_files(rows: dict[str, list] | None = None) -> dict[str, bytes]:
    """{'Tiltak.csv': bytes, …}: the same sheets and headers as CSV (UTF-8 with BOM, so Excel reads æøå),
    and Veiledning.csv with the guide."""
    rows = rows or {}
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(guide_rows())
    out = {"Veiledning.csv": ("\ufeff" + buf.getvalue()).encode("utf-8")}   # read back as a sheet kg import skips
    for spec in SHEETS:
        buf = io.StringIO(newline="")
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([c.header for c in spec.columns])
        for row in rows.get(spec.name, []):
            w.writerow(["" if v is None else v for v in (cell_value(c, row.get(c.key)) for c in spec.columns)])
        out[f"{spec.name}.csv"] = ("\ufeff" + buf.getvalue()).encode("utf-8")
    return out


def write(out: Path, rows: dict[str, list] | None = None, as_csv: bool = False) -> list[Path]:
    """Write the workbook to ``out`` (.xlsx file, or a folder of CSV files); returns the paths written."""
    out = Path(out)
    if as_csv:
        files = {out / name: blob for name, blob in csv_files(rows).items()}
        out.mkdir(parents=True, exist_ok=True)
        atomic_write_many(files)
        return sorted(files)
    atomic_write_bytes(out, xlsx_bytes(rows))
    return [out]

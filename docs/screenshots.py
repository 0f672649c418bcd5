"""Remake the screenshots of the publisher's guide (docs/guide.nb.md, docs/guide.en.md) into docs/img/.

Run by hand from the repository root, not by the tests:

    .venv/bin/python docs/screenshots.py            # all of them
    .venv/bin/python docs/screenshots.py --only site

Needs (Debian): libreoffice-calc, xvfb, xdotool (the workbook in LibreOffice Calc on a virtual screen),
chromium (the pages of `kg serve`), and Pillow in the venv (`.venv/bin/pip install pillow`: grabs the
virtual screen, crops and shrinks the PNGs). Each step runs the real `kg` of this venv in a fresh
temporary folder:

- the empty workbook (`kg template`): the sheet Veiledning;
- the flagship's workbook (`kg export-template` in this repository): the sheet Tiltak with the actor
  drop-down of the column Ansvarlig open;
- the guide's example county (fictitious, EXAMPLE below): `kg init`, the workbook filled as the guide
  shows (what the officer types in Excel), the level drop-down open, then `kg import`, `kg build` and
  `kg serve`, and its landing page and a measure page in Chromium (nb).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IMG = REPO / "docs" / "img"
BIN = Path(sys.executable).parent
KG = str(BIN / "kg")
MAX_BYTES = 200_000

#: The guide's example (fictitious county, org. number 999999999): `kg init`'s answers …
INIT = ["--yes", "--publisher", "Eksempelfylket fylkeskommune", "--org-number", "999999999",
        "--plan-title-nb", "Regional plan for eksempelfylket", "--plan-title-en", "regional plan for the example county",
        "--base-iri", "https://data.example.org/eksempelfylket/", "--county", "99", "--spatial-label", "Eksempelfylket",
        "--contact-email", "post@example.org"]
PLAN = "regional-plan-for-eksempelfylket"
#: … and what the officer types into the workbook (the tables in the guide show the same rows).
EXAMPLE = {
    "Program": [{"Programår": 2026, "Plan-id": PLAN, "Plantittel": "Regional plan for eksempelfylket",
                 "Vedtatt dato": "2026-01-20", "Vedtatt av": "fylkestinget"}],
    "Fokusområder": [{"Programår": 2026, "Kode": "K", "Tittel": "Kompetanse",
                      "Mål": "Flere fullfører videregående opplæring.", "Målår": 2030},
                     {"Programår": 2026, "Kode": "B", "Tittel": "Bolyst"}],
    "Aktører": [{"Navn": "Eksempelfylket fylkeskommune", "Slag": "aktør", "Type": "county-authority",
                 "Andre navn": "fylkeskommunen"},
                {"Navn": "Statsforvalteren i Eksempelfylket", "Slag": "aktør", "Type": "state-agency"},
                {"Navn": "NAV", "Slag": "aktør", "Type": "state-agency"},
                {"Navn": "Eksempelby kommune", "Slag": "aktør", "Type": "municipality"}],
    "Tiltak": [{"Programår": 2026, "Id": "K1", "Nivå": "fylke", "Fokusområde": "K",
                "Tittel": "Kompetanseløft i arbeidslivet", "Ansvarlig": "Eksempelfylket fylkeskommune",
                "Samarbeidspartnere": "NAV; Statsforvalteren i Eksempelfylket", "Prioritering": "kort sikt",
                "Nytt?": "ja", "Beskrivelse": "Kurs og veiledning for voksne som vil ta fagbrev."},
               {"Programår": 2026, "Id": "K2", "Nivå": "distrikt", "Fokusområde": "K",
                "Tittel": "Flere lærlingplasser i distriktene", "Ansvarlig": "Statsforvalteren i Eksempelfylket",
                "Samarbeidspartnere": "Eksempelfylket fylkeskommune", "Prioritering": "lang sikt"},
               {"Programår": 2026, "Id": "B1", "Nivå": "by", "Fokusområde": "B",
                "Tittel": "Møteplasser for unge i Eksempelby", "Ansvarlig": "Eksempelby kommune",
                "Samarbeidspartnere": "Eksempelfylket fylkeskommune", "Prioritering": "kort og lang sikt"}],
    "Koblinger": [{"Programår": 2026, "Tiltak": "K2", "Til tiltak": "K1"}],
    "Økonomi": [{"Programår": 2026, "Tiltak": "K1", "Slag": "bevilgning", "Beløp": 500000, "Valuta": "NOK",
                 "Budsjettår": 2026, "Tekst": "Fylkeskommunen setter av 500 000 kroner til tiltaket i 2026."}],
}


def kg(*args, cwd: Path) -> str:
    r = subprocess.run([KG, *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        sys.exit(f"kg {' '.join(args)} → exit {r.returncode}\n{r.stdout}{r.stderr}")
    return r.stdout + r.stderr


def fill(path: Path, rows: dict = EXAMPLE) -> None:
    """Type `rows` into the workbook below its headers (by header name), as the officer does in Excel."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    for sheet, items in rows.items():
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        for item in items:
            ws.append([item.get(h) for h in headers])
    wb.save(path)


def open_on(src: Path, dst: Path, sheet: str) -> None:
    """A copy of the workbook that opens on `sheet`."""
    from openpyxl import load_workbook

    wb = load_workbook(src)
    wb.active = wb.sheetnames.index(sheet)
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == sheet
    wb.save(dst)


def save_png(image, name: str, box=None) -> Path:
    """Crop, reduce to a 256-colour palette (screenshots of text lose nothing visible) and save under docs/img/."""
    from PIL import Image

    if box:
        image = image.crop(box)
    image = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    IMG.mkdir(parents=True, exist_ok=True)
    out = IMG / name
    image.save(out, optimize=True)
    size = out.stat().st_size
    print(f"{out.relative_to(REPO)}: {image.size[0]}×{image.size[1]}, {size // 1000} KB")
    if size > MAX_BYTES:
        sys.exit(f"{out}: {size} bytes, over {MAX_BYTES} — crop it smaller")
    return out


class Screen:
    """A virtual X screen with LibreOffice Calc on it."""

    def __init__(self, width=1400, height=800, display=":87"):
        self.size, self.display = (width, height), display
        self.env = {**os.environ, "DISPLAY": display}
        self.xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)

    def calc(self, workbook: Path, keys: list[str], name: str, box=None) -> None:
        from PIL import ImageGrab

        profile = Path(tempfile.mkdtemp(prefix="kg-shots-lo-"))
        office = subprocess.Popen(["soffice", f"-env:UserInstallation=file://{profile}", "--norestore", "--nologo",
                                   "--calc", str(workbook)], env=self.env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            window = self._window(workbook.name)
            self._xdo("windowmove", window, "0", "0", "windowsize", window, *map(str, self.size))
            time.sleep(2)
            self._xdo("windowfocus", window)
            for key in keys:
                self._xdo("key", key)
                time.sleep(0.4)
            time.sleep(1.5)
            save_png(ImageGrab.grab(xdisplay=self.display), name, box)
        finally:
            os.killpg(office.pid, signal.SIGTERM)
            office.wait(30)
            shutil.rmtree(profile, ignore_errors=True)

    def _window(self, title: str, timeout=90) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = subprocess.run(["xdotool", "search", "--name", title], env=self.env, capture_output=True, text=True)
            if r.stdout.split():
                time.sleep(3)   # let Calc draw the sheet
                return r.stdout.split()[0]
            time.sleep(0.5)
        sys.exit(f"LibreOffice did not open {title} within {timeout} s")

    def _xdo(self, *args) -> None:
        subprocess.run(["xdotool", *args], env=self.env, capture_output=True, check=False)

    def close(self) -> None:
        self.xvfb.terminate()
        self.xvfb.wait(10)


def workbook_shots(tmp: Path, example: Path) -> None:
    screen = Screen()
    try:
        empty = tmp / "tom-arbeidsbok.xlsx"
        kg("template", str(empty), cwd=tmp)
        screen.calc(empty, [], "workbook-veiledning.png", (0, 0, 1400, 600))

        flagship = tmp / "innlandet.xlsx"
        kg("export-template", str(flagship), "--dataset", str(REPO), cwd=tmp)
        on_tiltak = tmp / "innlandet-tiltak.xlsx"
        open_on(flagship, on_tiltak, "Tiltak")
        # from A1 to F3 (the second measure's Ansvarlig), then open its drop-down
        screen.calc(on_tiltak, ["ctrl+Home", "Down", "Down", *["Right"] * 5, "alt+Down"],
                    "workbook-tiltak-innlandet.png", (0, 0, 1400, 520))

        on_example = tmp / "eksempel-tiltak.xlsx"
        open_on(example, on_example, "Tiltak")
        screen.calc(on_example, ["ctrl+Home", "Down", "Down", "Right", "Right", "alt+Down"], "workbook-tiltak-eksempel.png", (0, 0, 1400, 330))
    finally:
        screen.close()


def site_shots(ds: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([KG, "serve", "--port", str(port), "--quiet"], cwd=ds, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "health", timeout=5).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    sys.exit("kg serve did not start")
                time.sleep(0.5)
        pages = {"site-landing.png": ("?lang=nb", 1000),
                 "site-measure.png": (f"plan/{PLAN}/programme/2026/measure/K1?lang=nb", 1000)}
        for name, (path, height) in pages.items():
            shot = ds / name
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            f"--window-size=1280,{height}", f"--screenshot={shot}", base + path],
                           capture_output=True, timeout=120, check=True)
            from PIL import Image

            save_png(Image.open(shot), name)
    finally:
        server.terminate()
        server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=("workbook", "site"))
    only = parser.parse_args().only
    with tempfile.TemporaryDirectory(prefix="kg-shots-") as tmp:
        tmp = Path(tmp)
        kg("init", "eksempelfylket", *INIT, cwd=tmp)
        ds = tmp / "eksempelfylket"
        example = ds / "data" / "workbook.xlsx"
        fill(example)
        if only != "site":
            workbook_shots(tmp, example)
        if only != "workbook":
            print(kg("import", "data/workbook.xlsx", cwd=ds).strip())
            kg("build", "-q", cwd=ds)
            site_shots(ds)


if __name__ == "__main__":
    main()

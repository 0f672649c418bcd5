"""`kg init DIR`: a new dataset folder — kg.toml, the data/ folders, empty authority files and a short
README for the publisher (nb and en).

The config is rendered from the answers and checked by the same parser every command uses
(kg.dataset.parse) before anything is written; the folder is assembled beside DIR and moved into
place, so an error leaves nothing half-written.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import dataset
from .text import slug

NLOD = "http://publications.europa.eu/resource/authority/licence/NLOD_2_0"
ENHETSREGISTERET = "https://data.brreg.no/enhetsregisteret/oppslag/enheter/"
#: Kartverket's administrative units on Geonorge: county IRIs are this prefix + the county number
#: (the vocabulary the DCAT-AP-NO 2.00 examples use for dct:spatial).
GEONORGE_FYLKE = "https://data.geonorge.no/administrativeEnheter/fylke/id/"


class ScaffoldError(Exception):
    """The answers do not make a valid dataset, or the folder cannot be used (message says which)."""


@dataclass(frozen=True)
class Question:
    key: str
    flag: str
    prompt: str
    default: object = None      # a value, or a function of the answers so far; None: must be given
    optional: bool = False      # may stay empty
    needs: tuple[str, ...] = () # the answers a derived default is made from


def _d(fmt: str):
    return lambda a: fmt.format(**a)


#: In the order they are asked. Defaults never invent a fact: they derive from earlier answers
#: (titles, the register URL of the organisation number) or are kg's own choices (licence, language).
QUESTIONS = (
    Question("publisher_name", "--publisher", "Publisher (the organisation's name in Enhetsregisteret)"),
    Question("org_number", "--org-number", "Organisation number (9 digits, Enhetsregisteret)"),
    Question("org_source", "--org-source", "Where the organisation number is registered (URL)",
             _d(ENHETSREGISTERET + "{org_number}"), needs=("org_number",)),
    Question("homepage", "--homepage", "Publisher's web site (URL, empty if none)", "", optional=True),
    Question("plan_title_nb", "--plan-title-nb", "The plan's title in Bokmål (as the documents print it)"),
    Question("plan_title_en", "--plan-title-en", "The plan's title in English"),
    Question("plan_id", "--plan-id", "The plan's id in the records", lambda a: slug(a["plan_title_nb"]),
             needs=("plan_title_nb",)),
    Question("plan_slug", "--plan-slug", "The plan's IRI path segment", lambda a: a["plan_id"], needs=("plan_id",)),
    Question("title_nb", "--title-nb", "Dataset title (nb)", _d("Handlingsprogram for {plan_title_nb}"),
             needs=("plan_title_nb",)),
    Question("title_en", "--title-en", "Dataset title (en)", _d("Action programmes of the {plan_title_en}"),
             needs=("plan_title_en",)),
    Question("description_nb", "--description-nb", "Dataset description (nb)",
             _d("Tiltak, ansvarlige aktører, samarbeidspartnere, koblinger og midler i handlingsprogrammene "
                "til {plan_title_nb}."), needs=("plan_title_nb",)),
    Question("description_en", "--description-en", "Dataset description (en)",
             _d("Measures, responsible actors, partners, links and money of the action programmes of the "
                "{plan_title_en}."), needs=("plan_title_en",)),
    Question("catalog_title_nb", "--catalog-title-nb", "Catalogue title (nb)",
             _d("Katalog over åpne data fra {publisher_name}"), needs=("publisher_name",)),
    Question("catalog_title_en", "--catalog-title-en", "Catalogue title (en)",
             _d("Catalogue of open data from {publisher_name}"), needs=("publisher_name",)),
    Question("base_iri", "--base-iri", "Base IRI of the dataset's resources (the publisher's namespace, ending in /)"),
    Question("licence", "--licence", "Licence IRI (EU licence table)", NLOD),
    Question("county", "--county", "County number (Kartverket) — empty to give --spatial-iri instead", "",
             optional=True),
    Question("spatial_iri", "--spatial-iri", "Place the data covers (a controlled-vocabulary IRI)",
             lambda a: GEONORGE_FYLKE + a["county"] if a.get("county") else None),
    Question("spatial_label", "--spatial-label", "The place's name"),
    Question("spatial_source", "--spatial-source", "The vocabulary the place IRI comes from (URL)",
             lambda a: GEONORGE_FYLKE if a["spatial_iri"].startswith(GEONORGE_FYLKE) else None,
             needs=("spatial_iri",)),
    Question("contact_name", "--contact-name", "Contact point (name)", lambda a: a["publisher_name"],
             needs=("publisher_name",)),
    Question("contact_email", "--contact-email", "Contact e-mail (as the publisher gives it; empty if none)", "",
             optional=True),
    Question("contact_url", "--contact-url", "Contact web page (URL; empty if none)", lambda a: a.get("homepage") or "",
             optional=True),
)


_UNKNOWN = "\0"


#: kg.toml key → the flag that sets it (for errors of the rendered config)
KEY_FLAGS = {
    "plan.id": "--plan-id", "plan.slug": "--plan-slug", "plan.title.nb": "--plan-title-nb",
    "plan.title.en": "--plan-title-en", "dataset.base_iri": "--base-iri", "dataset.licence": "--licence",
    "dataset.languages": "--language", "publisher.org_number": "--org-number", "publisher.source": "--org-source",
    "publisher.homepage": "--homepage", "publisher.name": "--publisher", "contact.email": "--contact-email",
    "contact.url": "--contact-url or --contact-email", "spatial.iri": "--spatial-iri",
    "spatial.source": "--spatial-source", "spatial.label": "--spatial-label",
}


def resolve(given: dict, ask=None) -> dict:
    """All answers: `given` (flag values, None = not given), else `ask(question, default)` when
    interactive, else the default. ScaffoldError listing the flags still needed."""
    answers: dict = {}
    missing = []
    for q in QUESTIONS:
        value = given.get(q.key)
        if value is None and any(answers.get(k) == _UNKNOWN for k in q.needs):
            answers[q.key] = _UNKNOWN   # its default follows from an answer still missing: name that one only
            continue
        default = q.default(answers) if callable(q.default) else q.default
        if value is None and ask is not None:
            value = ask(q, default)
        if value is None:
            value = default
        if value is None or (value == "" and not q.optional):
            missing.append("--county or --spatial-iri" if q.key == "spatial_iri" else q.flag)
            answers[q.key] = _UNKNOWN
            continue
        answers[q.key] = str(value).strip()
    if missing:
        raise ScaffoldError(f"give {', '.join(missing)} (or run `kg init` in a terminal to be asked)")
    return answers


def _s(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def render_toml(a: dict, languages: list[str], keywords: list[str], workbooks: list[str] = ()) -> str:
    contact = [f"name = {_s(a['contact_name'])}"]
    if a.get("contact_email"):
        contact.append(f"email = {_s(a['contact_email'])}")
    if a.get("contact_url"):
        contact.append(f"url = {_s(a['contact_url'])}")
    publisher = [f"name = {_s(a['publisher_name'])}", f"org_number = {_s(a['org_number'])}",
                 f"source = {_s(a['org_source'])}"]
    if a.get("homepage"):
        publisher.append(f"homepage = {_s(a['homepage'])}")
    spatial = [f"iri = {_s(a['spatial_iri'])}", f"label = {_s(a['spatial_label'])}",
               f"source = {_s(a['spatial_source'])}"]
    if a.get("county"):
        spatial.append(f"identifier = {_s(a['county'])}")
    kw = f"\nkeywords = {{ nb = [{', '.join(_s(k) for k in keywords)}] }}" if keywords else ""
    return f"""# The dataset's configuration, read by every `kg` command run in this folder (written by `kg init`).
# Paths are relative to this folder. Each key is explained in `kg init --help`.

[plan]
id = {_s(a['plan_id'])}
slug = {_s(a['plan_slug'])}
title = {{ nb = {_s(a['plan_title_nb'])}, en = {_s(a['plan_title_en'])} }}

[dataset]
title = {{ nb = {_s(a['title_nb'])}, en = {_s(a['title_en'])} }}
description = {{ nb = {_s(a['description_nb'])}, en = {_s(a['description_en'])} }}
base_iri = {_s(a['base_iri'])}
licence = {_s(a['licence'])}
languages = [{', '.join(_s(x) for x in languages)}]{kw}

[catalog]
title = {{ nb = {_s(a['catalog_title_nb'])}, en = {_s(a['catalog_title_en'])} }}
description = {{ nb = {_s(a['description_nb'])}, en = {_s(a['description_en'])} }}

[publisher]
{chr(10).join(publisher)}

[contact]
{chr(10).join(contact)}

[spatial]
{chr(10).join(spatial)}

[paths]
sources = "data/sources"
authority = "data/authority"
records = "data/records"
build = "build"
release = "release"

[inputs]
# source documents, each with the `layout` that reads it
sources = "data/sources/sources.yaml"
# workbooks (xlsx, or a folder of CSV files), read by `kg import`
workbooks = [{', '.join(_s(w) for w in workbooks)}]
"""


SOURCES_YAML = """\
# Source documents of this dataset, one entry each (see `kg extract --help`):
# - id: hp2026
#   file: handlingsprogram-2026.txt      # in this folder, UTF-8 text
#   title: "..."
#   kind: action-programme
#   layout: action-programme-2025        # the printed layout that reads it
#   programme_year: 2026
#   publisher: "..."
#   sha256: ...                          # sha256sum of the file
[]
"""

ACTORS_YAML = """\
# Actor authority file: the organisations named as responsible or partner, with every spelling seen
# (label, type, aliases, parent). See `kg extract --help` and the flagship's data/authority/README.md.
actors: []
groups: []
"""

MUNICIPALITIES_YAML = """\
# The municipalities of the area the dataset covers: number (four digits), name, region.
# Cite the register they come from (e.g. SSB KLASS 131, Standard for kommuneinndeling).
municipalities: []
"""


def readme(a: dict, workbooks: list[str] = ()) -> str:
    book = workbooks[0] if workbooks else None
    steps_nb = (f"fyll ut arbeidsboka `{book}` (i Excel eller LibreOffice) og kjør `kg import {book}`"
                if book else "legg inn data (en arbeidsbok eller kildedokumenter)")
    steps_en = (f"fill in the workbook `{book}` (in Excel or LibreOffice) and run `kg import {book}`"
                if book else "add data (a workbook or source documents)")
    return f"""# {a['title_nb']}

*Norsk (bokmål) først — English below.*

Denne mappen er et datasett for `kg`, utgitt av {a['publisher_name']}. `kg.toml` beskriver datasettet
(tittel, utgiver, lisens, base-IRI); alle `kg`-kommandoer som kjøres her, arbeider på det.

- `data/sources/` — kildedokumenter, registrert i `sources.yaml`
- `data/authority/` — aktører (`actors.yaml`) og kommuner (`municipalities.yaml`)
- `data/records/` — postene som bygges til lenkede data
- `build/`, `release/` — det bygde datasettet og utgivelsene

Slik går du fram: {steps_nb}, så `kg build`, `kg validate`
(retter feil med fil og linje), `kg publish` (en utgivelse i `release/`) og `kg serve` (se sidene).

## English

This folder is a `kg` dataset published by {a['publisher_name']}. `kg.toml` describes it (title,
publisher, licence, base IRI); every `kg` command run here works on it.

- `data/sources/` — source documents, registered in `sources.yaml`
- `data/authority/` — actors (`actors.yaml`) and municipalities (`municipalities.yaml`)
- `data/records/` — the records that are built into linked data
- `build/`, `release/` — the built dataset and its releases

Next: {steps_en}, then `kg build`, `kg validate` (fix what it names,
by file and line), `kg publish` (a release in `release/`) and `kg serve` (see the pages).
"""


def files(a: dict, languages: list[str], keywords: list[str], workbooks: list[str] = ()) -> dict[str, str]:
    """The text files of a new dataset, by path relative to its folder."""
    return {
        "kg.toml": render_toml(a, languages, keywords, workbooks),
        "README.md": readme(a, workbooks),
        "data/sources/sources.yaml": SOURCES_YAML,
        "data/authority/actors.yaml": ACTORS_YAML,
        "data/authority/municipalities.yaml": MUNICIPALITIES_YAML,
        "data/records/": "",
    }


def create(folder: Path, answers: dict, languages: list[str], keywords: list[str], force: bool = False,
           workbooks: dict[str, object] | None = None) -> dataset.Dataset:
    """Write a new dataset into `folder`. `workbooks` maps a path (relative to the folder, listed in
    kg.toml's [inputs]) to a function writing that workbook there, run before the folder is moved into
    place (the workbook code lives above this module). Returns the dataset as every command reads it."""
    workbooks = workbooks or {}
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{folder}: is a file — give a folder for the new dataset")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise ScaffoldError(f"{folder}: not empty — choose a new folder, or pass --force to add a dataset here")
    if force and (folder / dataset.CONFIG).exists():
        raise ScaffoldError(f"{folder / dataset.CONFIG}: a dataset is here already — edit its kg.toml instead")
    content = files(answers, languages, keywords, list(workbooks))
    try:
        parsed = tomllib.loads(content["kg.toml"])
        dataset.parse(folder.resolve(), parsed, folder / dataset.CONFIG)
    except dataset.DatasetError as e:   # the user typed a flag: name it (kg.toml is written only after this check)
        message = str(e).removeprefix(f"{folder / dataset.CONFIG}: ")
        key = message.split(":", 1)[0]
        raise ScaffoldError(f"{KEY_FLAGS.get(key, key)}: {message.split(': ', 1)[-1]}") from None
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.kg-init.", dir=folder.parent))
    try:
        for rel, text in content.items():
            path = tmp / rel
            if rel.endswith("/"):
                path.mkdir(parents=True, exist_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for name in ("build", "release"):
            (tmp / name).mkdir()
        for rel, write in workbooks.items():
            write(tmp / rel)
        os.chmod(tmp, 0o777 & ~_umask())
        if not folder.exists():
            os.replace(tmp, folder)
        else:   # an empty folder (or --force): move the entries in; none of them exists there yet
            clash = [str(p.relative_to(tmp)) for p in tmp.rglob("*")
                     if (folder / p.relative_to(tmp)).exists()
                     and not (p.is_dir() and (folder / p.relative_to(tmp)).is_dir())]
            if clash:
                raise ScaffoldError(f"{folder}: {', '.join(sorted(clash))} exist(s) already — move them away first")
            shutil.copytree(tmp, folder, dirs_exist_ok=True)
            shutil.rmtree(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dataset.load(folder)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

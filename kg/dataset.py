"""A dataset is a folder with a ``kg.toml``: what it publishes, who publishes it, and where its files are.

Every `kg` command works on one dataset, found by `--dataset DIR`, else the ``KG_DATASET`` environment
variable, else the current folder or its nearest parent holding a ``kg.toml``. `load(folder)` reads and
checks the config; a mistake is a `DatasetError` naming the file and the key (the CLI exits 2).

The package's own files (ontology, concept schemes, shapes, questions, templates) are not part of a
dataset: they ship with kg (kg.resources).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CONFIG = "kg.toml"

#: Folder layout of a dataset (relative to its folder); `[paths]` in kg.toml may change each.
DEFAULT_PATHS = {
    "sources": "data/sources",
    "authority": "data/authority",
    "records": "data/records",
    "build": "build",
    "release": "release",
}
LANGUAGES = ("nb", "nn", "en", "se")
SITE_LANGUAGES = ("nb", "en")   # the pages and the texts of kg.toml come in both


@dataclass(frozen=True)
class Licence:
    short: str                 # as a footer names it
    label: dict[str, str]      # nb, en
    page: str                  # the licence text for people
    same_as: str | None = None # the licence's own IRI (skos:exactMatch of the EU table's entry)


_EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/"
#: licences of the EU licence table kg knows by name (kg.toml `licence` may be any IRI)
LICENCES = {
    _EU_LICENCE + "NLOD_2_0": Licence(
        "NLOD 2.0", {"nb": "Norsk lisens for offentlige data 2.0",
                     "en": "Norwegian Licence for Open Government Data 2.0"},
        "https://data.norge.no/nlod/no/2.0", "http://data.norge.no/nlod/no/2.0"),
    _EU_LICENCE + "CC_BY_4_0": Licence(
        "CC BY 4.0", {"nb": "Creative Commons Navngivelse 4.0 Internasjonal",
                      "en": "Creative Commons Attribution 4.0 International"},
        "https://creativecommons.org/licenses/by/4.0/", "https://creativecommons.org/licenses/by/4.0/"),
    _EU_LICENCE + "CC0": Licence(
        "CC0 1.0", {"nb": "Creative Commons CC0 1.0 Universell", "en": "Creative Commons CC0 1.0 Universal"},
        "https://creativecommons.org/publicdomain/zero/1.0/", "https://creativecommons.org/publicdomain/zero/1.0/"),
}


def licence(iri: str) -> Licence:
    """What kg knows of a licence IRI (its last path segment as the name of one it does not know)."""
    name = iri.rstrip("/").rsplit("/", 1)[-1]
    return LICENCES.get(iri) or Licence(name, {"nb": name, "en": name}, iri)


class DatasetError(Exception):
    """The dataset cannot be found or its kg.toml is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class Publisher:
    name: str
    org_number: str            # Enhetsregisteret (Brønnøysundregistrene), nine digits
    source: str                # where the organisation number comes from (a URL)
    homepage: str | None = None
    type: str | None = None    # an ADMS publisher type code, e.g. RegionalAuthority


@dataclass(frozen=True)
class Contact:
    name: str
    email: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Spatial:
    iri: str                   # a controlled-vocabulary IRI (e.g. Kartverket's administrative units)
    label: str
    source: str                # the vocabulary, cited
    identifier: str | None = None


@dataclass(frozen=True)
class Dataset:
    root: Path
    plan_id: str               # the plan's id in the records ($.plan.id)
    plan_slug: str             # path segment of the plan's IRIs: <base_iri>plan/<slug>
    plan_title: dict[str, str]
    title: dict[str, str]
    description: dict[str, str]
    catalog_title: dict[str, str]
    catalog_description: dict[str, str]
    publisher: Publisher
    licence: str
    base_iri: str
    contact: Contact
    spatial: Spatial
    languages: tuple[str, ...]
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    intro: dict[str, str] = field(default_factory=dict)   # the landing page's first paragraph (HTML)
    paths: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PATHS))
    source_registry: str = "data/sources/sources.yaml"
    workbooks: tuple[str, ...] = ()

    @property
    def config_file(self) -> Path:
        return self.root / CONFIG

    def path(self, name: str) -> Path:
        return self.root / self.paths[name]

    @property
    def sources(self) -> Path:
        return self.path("sources")

    @property
    def sources_yaml(self) -> Path:
        return self.root / self.source_registry

    @property
    def authority(self) -> Path:
        return self.path("authority")

    @property
    def records(self) -> Path:
        return self.path("records")

    @property
    def build(self) -> Path:
        return self.path("build")

    @property
    def release(self) -> Path:
        return self.path("release")

    def workbook_paths(self) -> list[Path]:
        return [self.root / w for w in self.workbooks]


# --- reading and checking kg.toml ----------------------------------------------------------------

class _Table:
    """One table of kg.toml with typed getters whose errors name the file and the dotted key."""

    def __init__(self, file: Path, data: dict, prefix: str = ""):
        self.file, self.data, self.prefix = file, data, prefix

    def _err(self, key: str, message: str) -> DatasetError:
        return DatasetError(f"{self.file}: {self.prefix}{key}: {message}")

    def table(self, key: str, required: bool = True) -> _Table:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self._err(key, "missing table — add it (see `kg init --help` for what it holds)")
            value = {}
        if not isinstance(value, dict):
            raise self._err(key, f"expected a table, found {value!r}")
        return _Table(self.file, value, f"{self.prefix}{key}.")

    def str(self, key: str, required: bool = True, pattern: str | None = None, hint: str = "") -> str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise self._err(key, "missing" + (f" — {hint}" if hint else ""))
            return None
        if not isinstance(value, str):
            raise self._err(key, f"expected a string, found {value!r}")
        if pattern and not re.fullmatch(pattern, value):
            raise self._err(key, f"{value!r} is not valid" + (f" — {hint}" if hint else ""))
        return value

    def iri(self, key: str, required: bool = True) -> str | None:
        return self.str(key, required, r"https?://[^\s<>\"{}|\\^`]+", "expected an absolute http(s) IRI")

    def texts(self, key: str, required: bool = True) -> dict[str, str]:
        """A text in both site languages: `key = { nb = "…", en = "…" }`."""
        value = self.data.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self._err(key, f"expected a table with {' and '.join(SITE_LANGUAGES)} texts, "
                                 f'e.g. {key} = {{ nb = "…", en = "…" }}')
        sub = _Table(self.file, value, f"{self.prefix}{key}.")
        for lang in value:
            if lang not in SITE_LANGUAGES:
                raise sub._err(lang, f"unknown language; use {' and '.join(SITE_LANGUAGES)}")
        return {lang: sub.str(lang) for lang in SITE_LANGUAGES}

    def strings(self, key: str, required: bool = False) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self._err(key, "missing")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self._err(key, f"expected a list of strings, found {value!r}")
        return tuple(value)

    def unknown(self, known: set[str]) -> None:
        extra = sorted(set(self.data) - known)
        if extra:
            raise self._err(extra[0], f"unknown key (known here: {', '.join(sorted(known))})")


SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
ORG_NUMBER = r"\d{9}"
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"


def parse(root: Path, data: dict, file: Path) -> Dataset:
    """A Dataset from the parsed kg.toml of `root` (errors name `file` and the key)."""
    top = _Table(file, data)
    top.unknown({"plan", "dataset", "catalog", "publisher", "contact", "spatial", "site", "paths", "inputs"})

    plan = top.table("plan")
    plan.unknown({"id", "slug", "title"})
    ds = top.table("dataset")
    ds.unknown({"title", "description", "base_iri", "licence", "languages", "keywords"})
    catalog = top.table("catalog")
    catalog.unknown({"title", "description"})
    pub = top.table("publisher")
    pub.unknown({"name", "org_number", "source", "homepage", "type"})
    contact = top.table("contact")
    contact.unknown({"name", "email", "url"})
    spatial = top.table("spatial")
    spatial.unknown({"iri", "label", "identifier", "source"})
    site = top.table("site", required=False)
    site.unknown({"intro"})
    paths = top.table("paths", required=False)
    paths.unknown(set(DEFAULT_PATHS))
    inputs = top.table("inputs", required=False)
    inputs.unknown({"sources", "workbooks"})

    base = ds.iri("base_iri")
    if not base.endswith("/"):
        raise ds._err("base_iri", f"{base!r} must end with '/' (IRIs are minted as <base_iri>plan/…)")
    languages = ds.strings("languages", required=True)
    for lang in languages:
        if lang not in LANGUAGES:
            raise ds._err("languages", f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
    keywords_table = ds.table("keywords", required=False)
    keywords = {lang: keywords_table.strings(lang) for lang in keywords_table.data}
    for lang in keywords:
        if lang not in LANGUAGES:
            raise keywords_table._err(lang, f"unknown language (known: {', '.join(LANGUAGES)})")

    resolved_paths = dict(DEFAULT_PATHS)
    for name in DEFAULT_PATHS:
        value = paths.str(name, required=False)
        if value is not None:
            if Path(value).is_absolute() or ".." in Path(value).parts:
                raise paths._err(name, f"{value!r}: give a folder inside the dataset, relative to {file.name}")
            resolved_paths[name] = value
    registry = inputs.str("sources", required=False) or f"{resolved_paths['sources']}/sources.yaml"
    workbooks = inputs.strings("workbooks")

    email = contact.str("email", required=False, pattern=EMAIL, hint="expected an e-mail address")
    url = contact.iri("url", required=False)
    if not email and not url:
        raise contact._err("url", "give the contact point's url or email (as the publisher states them)")

    return Dataset(
        root=root,
        plan_id=plan.str("id", pattern=SLUG, hint="lower-case letters, digits and hyphens"),
        plan_slug=plan.str("slug", pattern=SLUG, hint="lower-case letters, digits and hyphens"),
        plan_title=plan.texts("title"),
        title=ds.texts("title"),
        description=ds.texts("description"),
        catalog_title=catalog.texts("title"),
        catalog_description=catalog.texts("description"),
        publisher=Publisher(
            name=pub.str("name"),
            org_number=pub.str("org_number", pattern=ORG_NUMBER,
                               hint="the nine-digit organisation number from Enhetsregisteret"),
            source=pub.iri("source"),
            homepage=pub.iri("homepage", required=False),
            type=pub.str("type", required=False, pattern=r"[A-Za-z]+", hint="an ADMS publisher type code"),
        ),
        licence=ds.iri("licence"),
        base_iri=base,
        contact=Contact(name=contact.str("name"), email=email, url=url),
        spatial=Spatial(iri=spatial.iri("iri"), label=spatial.str("label"), source=spatial.str("source"),
                        identifier=spatial.str("identifier", required=False)),
        languages=languages,
        keywords=keywords,
        intro=site.texts("intro", required=False),
        paths=resolved_paths,
        source_registry=registry,
        workbooks=workbooks,
    )


def load(folder: Path) -> Dataset:
    """Read and check `folder`/kg.toml (a path to the kg.toml itself is accepted too)."""
    folder = Path(folder)
    if folder.name == CONFIG and folder.is_file():
        folder = folder.parent
    file = folder / CONFIG
    if not folder.is_dir():
        raise DatasetError(f"{folder}: no such folder — run `kg init {folder}` to create a dataset there")
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"no {CONFIG} in {folder} — run `kg init {folder}` or pass --dataset") from None
    except OSError as e:
        raise DatasetError(f"{file}: cannot read: {e.strerror or e}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        raise DatasetError(f"{file}: not UTF-8 text (byte offset {e.start}) — save it as UTF-8") from None
    except tomllib.TOMLDecodeError as e:
        raise DatasetError(f"{file}: not valid TOML: {e}") from None
    return parse(folder.resolve(), data, file)


def find(start: Path | None = None) -> Path | None:
    """The nearest folder from `start` (default: the working directory) upwards that holds a kg.toml."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return folder
    return None


def locate(option: Path | None = None, required: bool = True) -> Path | None:
    """The dataset folder: `--dataset`, else $KG_DATASET, else the nearest kg.toml from the working
    directory; if there is none, DatasetError (or None when not `required`)."""
    if option is not None:
        return Path(option)
    env = os.environ.get("KG_DATASET")
    if env:
        return Path(env)
    found = find()
    if found is None and required:
        raise DatasetError(f"no {CONFIG} in {Path.cwd()} or its parents — run `kg init DIR` or pass --dataset")
    return found


_active: Dataset | None = None


def use(ds: Dataset) -> Dataset:
    """Make `ds` the dataset every stage works on (kg.config reads it)."""
    global _active
    _active = ds
    return ds


def active() -> bool:
    """Whether a dataset is in use already (set by `use` or found by `current`)."""
    return _active is not None


def current() -> Dataset:
    """The dataset in use; found and loaded on first use (DatasetError if there is none)."""
    return _active if _active is not None else use(load(locate()))

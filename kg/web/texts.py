"""The dataset's own texts on its pages, from its kg.toml (kg.dataset) and sources.yaml: the landing
page's introduction, the licence and who published the sources (the footer). Nothing here names a
dataset; a page of another dataset shows that dataset's texts.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from .. import config, dataset, sources
from . import i18n

#: the introduction when kg.toml's [site] intro gives none; {plan} is the plan's title
DEFAULT_INTRO = {
    "nb": "Handlingsprogrammene til <em>{plan}</em>, med satsinger, ansvarlige aktører, samarbeidspartnere, "
          "koblinger, videreføringer og midler — validert mot SHACL-former og publisert som RDF med et "
          "SPARQL-endepunkt.",
    "en": "The action programmes of the <em>{plan}</em>, with measures, responsible actors, partners, links, "
          "continuations and funding — validated against SHACL shapes and published as RDF with a SPARQL endpoint.",
}


def emphasis_only(text: str) -> Markup:
    """`text` escaped, except <em>…</em> (the one markup kg.toml's texts may use)."""
    return Markup(str(escape(text)).replace("&lt;em&gt;", "<em>").replace("&lt;/em&gt;", "</em>"))


@dataclass(frozen=True)
class SiteTexts:
    intro: Markup
    plan_title: str
    licence_name: str          # the licence's full name in the page language
    licence_short: str
    licence_page: str
    sources: tuple[str, ...]   # who published the source documents


def licence_iri() -> str:
    """The dataset's licence as its own IRI (the licence's, where kg knows it; else kg.toml's)."""
    ds = config.dataset()
    return dataset.licence(ds.licence).same_as or ds.licence


def site_texts(lang: str | None = None) -> SiteTexts:
    """The texts of the dataset in use, in `lang` (default: the page language)."""
    lang = lang or i18n.current()
    ds = config.dataset()
    known = dataset.licence(ds.licence)
    intro = ds.intro.get(lang)
    return SiteTexts(
        intro=emphasis_only(intro) if intro else
        Markup(DEFAULT_INTRO[lang if lang in DEFAULT_INTRO else "nb"].format(plan=escape(ds.plan_title[lang]))),
        plan_title=ds.plan_title[lang],
        licence_name=known.label[lang if lang in known.label else "nb"],
        licence_short=known.short,
        licence_page=known.page,
        sources=tuple(sources.publishers()),
    )

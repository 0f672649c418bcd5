"""One language per page (nb/en): Accept-Language, the ?lang switch, labels by language, caches and Vary.
Facts from the real built dataset (K1 2025: data/sources/001_af88ce2a34d40677.txt lines 98–113)."""

from __future__ import annotations

import re

import pytest
from serve_helpers import app_client

from kg.web import i18n

K1 = "/plan/inkluderende-innlandet/programme/2025/measure/K1"
HTML = {"Accept": "text/html"}
EN = {"Accept": "text/html", "Accept-Language": "en-GB,en;q=0.9"}


@pytest.fixture(scope="module")
def real(real_client):
    return real_client


def _visible(html: str) -> str:
    """The page without its data blocks (the JSON-LD keeps every language's labels)."""
    return re.sub(r"<script.*?</script>", "", html, flags=re.S)


def test_accept_language_parsing():
    assert i18n.from_accept_language("en-GB,en;q=0.9") == "en"
    assert i18n.from_accept_language("nn-NO, en;q=0.5") == "nb"
    assert i18n.from_accept_language("en;q=0.4, nb;q=0.8") == "nb"
    assert i18n.from_accept_language("de, fr;q=0.9") is None
    assert i18n.from_accept_language("en;q=0, nb;q=bogus") is None
    assert i18n.choose("lang=en&q=x", "nb") == "en"
    assert i18n.choose("lang=xx", "en") == "en"
    assert i18n.choose("", None) == "nb"


def test_k1_in_english_and_norwegian(real):
    nb = real.get(K1, headers=HTML)
    en = real.get(K1, headers=EN)
    assert nb.status_code == en.status_code == 200
    assert '<html lang="nb">' in nb.text and '<html lang="en">' in en.text
    assert "<th>Ansvarlig</th>" in nb.text and "<th>Responsible</th>" in en.text
    assert "<th>Responsible</th>" not in nb.text
    assert "line 98–113" in re.sub(r"<[^>]+>", " ", en.text)
    # the level concept has nb and en labels in ontology/concepts.ttl: the page picks by language
    assert ">fylkessatsing</a>" in nb.text and ">county measure</a>" in en.text and ">county measure<" not in nb.text
    assert ">Level</a></th>" in en.text and ">Nivå</a></th>" in nb.text  # property headings (sh:name) too
    for r in (nb, en):
        assert {"Accept", "Accept-Language"} <= {v.strip() for v in r.headers["vary"].split(",")}
    assert nb.headers["etag"] != en.headers["etag"]  # cached per language


def test_lang_parameter_overrides_accept_language(real):
    r = real.get(K1 + "?lang=nb", headers=EN)
    assert '<html lang="nb">' in r.text and "<th>Ansvarlig</th>" in r.text
    r = real.get(K1 + "?lang=en", headers=HTML)
    assert '<html lang="en">' in r.text
    # the switch: relative links that keep the page (and its other parameters)
    assert 'href="./K1?lang=nb" hreflang="nb"' in r.text
    s = real.get("/search?q=ungdom", headers=HTML).text
    assert 'href="./search?q=ungdom&amp;lang=en"' in s
    assert 'href="./?lang=en"' in real.get("/", headers=HTML).text


def test_the_switch_holds_for_the_pages_that_follow(real):
    """?lang=en sets the `lang` cookie; a later page without ?lang (a facet, a link) sent with it stays in
    English although the browser asks for nb; ?lang=nb switches back; HTML varies on the cookie. (Test
    clients keep no cookies, conftest.py: the cookie is sent here by hand, as a browser would.)"""
    nb_browser = {"Accept": "text/html", "Accept-Language": "nb-NO,nb;q=0.9"}
    r = real.get(K1 + "?lang=en", headers=nb_browser)
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("lang=en;") and "Path=/" in cookie and "SameSite=Lax" in cookie
    assert "Cookie" in r.headers["vary"] and "Accept-Language" in r.headers["vary"]
    r = real.get("/search?q=ungdom", headers={**nb_browser, "Cookie": "lang=en"})
    assert '<html lang="en">' in r.text and "hits, showing" in r.text and "set-cookie" not in r.headers
    r = real.get(K1 + "?lang=nb", headers={**nb_browser, "Cookie": "lang=en"})
    assert '<html lang="nb">' in r.text and r.headers["set-cookie"].startswith("lang=nb;")
    assert '<html lang="nb">' in real.get("/search?q=ungdom", headers={**EN, "Cookie": "x=1; lang=nb"}).text
    assert '<html lang="en">' in real.get("/search?q=ungdom", headers={**EN, "Cookie": "lang=fr"}).text
    assert "set-cookie" not in real.get("/sparql?query=ASK%7B%7D").headers  # data responses set no cookie


@pytest.mark.parametrize("path,nb,en", [
    ("/", "Regionale handlingsprogram som lenkede data", "Regional action programmes as linked data"),
    ("/search?q=ungdom", "treff, viser", "hits, showing"),
    ("/measures", "Satsinger per handlingsprogram", "Measures per action programme"),
    ("/measures?programme=plan/inkluderende-innlandet/programme/2025", "last ned CSV", "download CSV"),
    ("/places", "Kommuner og regioner", "Municipalities and regions"),
    ("/query", "Ferdige spørsmål", "Ready questions"),
    ("/no/such/thing", "Fant ikke", "Not found"),
])
def test_every_page_kind_in_both_languages(real, path, nb, en):
    a = real.get(path, headers=HTML)
    b = real.get(path, headers=EN)
    assert nb in _visible(a.text) and nb not in _visible(b.text)
    assert en in b.text and en not in _visible(a.text) and '<html lang="en">' in b.text
    assert "Accept-Language" in b.headers["vary"]


def test_landing_labels_follow_the_language_whichever_came_first(built_dataset):
    """The landing page's statistics (with the programmes' labels) are computed once per language: asked
    in English first, the Norwegian page still lists "Handlingsprogram 2025", and the reverse."""
    for first, second in ((EN, HTML), (HTML, EN)):
        with app_client(built_dataset) as c:   # a fresh app: nothing cached yet
            pages = {id(h): _visible(c.get("/", headers=h).text) for h in (first, second)}
        assert "Action programme 2025" in pages[id(EN)] and "Handlingsprogram 2025" not in pages[id(EN)]
        assert "Handlingsprogram 2025" in pages[id(HTML)] and "Action programme 2025" not in pages[id(HTML)]


def test_search_facets_in_the_page_language(real):
    """The index keeps one label per facet value; the page and the JSON give them in the page language
    (levels from the concept scheme's nb/en labels, kinds from the text catalogue)."""
    def labels(headers, fmt):
        r = real.get("/search?q=ungdom" + ("&format=json" if fmt == "json" else ""), headers=headers)
        if fmt == "json":
            return {f: [v["label"] for v in vals] for f, vals in r.json()["facets"].items()}
        return _visible(r.text)

    nb, en = labels(HTML, "json"), labels(EN, "json")
    assert "fylkessatsing" in nb["level"] and "Satsing" in nb["kind"]
    assert "county measure" in en["level"] and "Measure" in en["kind"] and "fylkessatsing" not in en["level"]
    page = labels(EN, "html")
    assert "county measure" in page and "fylkessatsing" not in page
    # a snippet from the actors' names says so in the page language
    snippets = [h["snippet"] for h in real.get("/search?q=nav&format=json", headers=EN).json()["hits"]]
    assert any(s.startswith("Actors: ") for s in snippets) and not any(s.startswith("Aktører: ") for s in snippets)


def test_counts_take_singular_and_plural():
    from kg.web.pages import count

    assert count(1, "satsing", "satsinger") == "1 satsing" and count(2, "satsing", "satsinger") == "2 satsinger"
    tokens = i18n.enter("lang=en", None, "/places")
    try:
        assert count(1, "satsing", "satsinger") == "1 measure" and count(0, "prosjekt", "prosjekter") == "0 projects"
    finally:
        i18n.leave(tokens)


def test_places_page_counts_in_english(real):
    """Fjellregionen: 6 municipalities, measures A12 and L11 in 2024 and A15 in 2025 through its groups,
    2 grant projects."""
    text = _visible(real.get("/places", headers=EN).text)
    assert "(6 municipalities · 2 measures 2024 · 1 measure 2025 · 2 projects)" in text
    assert "1 measures" not in text


def test_plan_statements_labelled_in_the_page_language(real):
    """Nordland's plan page lists its 21 statements (data/sources/nordland…, line 35: statement 17, the June
    council note): "Statement 17: …" in English, "Utsagn 17: …" in Norwegian, the text as written in both."""
    en = _visible(real.get("/plan/nordland-ung-inkludering", headers=EN).text)
    nb = _visible(real.get("/plan/nordland-ung-inkludering", headers=HTML).text)
    assert "Statement 17: Gjennomføringsteamet skal i et rådsnotat hvert år i juni" in en and "Utsagn 17" not in en
    assert "Utsagn 17: Gjennomføringsteamet skal i et rådsnotat hvert år i juni" in nb and "Statement 17" not in nb


def test_extraction_run_labelled_in_english(real):
    en = _visible(real.get("/plan/inkluderende-innlandet/programme/2025", headers=EN).text)
    assert "Extraction from the source documents" in en and "Uttrekk av kildedokumentene" not in en


def test_source_page_in_english(real):
    from kg import sources
    sid = sorted(sources.registry())[0]
    a = real.get(f"/source/{sid}/text", headers=HTML).text
    b = real.get(f"/source/{sid}/text", headers=EN).text
    assert "ren tekst" in a and "plain text" in b and "ren tekst" not in b


def test_error_page_language_behind_any_base(real):
    r = real.get("/a/b/c/missing", headers=EN)
    assert r.status_code == 404 and "404 – Not found" in r.text
    assert 'href="../../../static/style.css"' in r.text  # relative links still


# ---------------------------------------------------------------- layout from the SHACL profile (shapes/layout.ttl)

def _groups(html: str) -> list[str]:
    part = html.split('<section class="all-props">', 1)[1].split("</article>", 1)[0]
    return re.findall(r'<section class="prop-group"><h3>([^<]*)</h3>', part)


def _rows(html: str, group: str) -> list[str]:
    part = html.split(f'<section class="prop-group"><h3>{group}</h3>', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<tr><th><a [^>]*>([^<]*)</a></th>", part)


def test_property_groups_follow_the_profile(real):
    nb = real.get(K1, headers=HTML).text
    assert _groups(nb) == ["Identifikasjon", "Innhold", "Aktører", "Koblinger og videreføring", "Kilde og sporbarhet",
                           "Andre egenskaper"]
    # sh:order within the group; headings are the shapes' sh:name
    assert _rows(nb, "Identifikasjon") == ["Id", "Tittel", "Handlingsprogram"]
    assert _rows(nb, "Aktører") == ["Ansvarlig", "Samarbeidspartner"]
    assert _rows(nb, "Kilde og sporbarhet")[:3] == ["Kilde", "Første linje i kilden", "Siste linje i kilden"]
    en = real.get(K1, headers=EN).text
    assert _groups(en)[0] == "Identification" and _groups(en)[-1] == "Other properties"
    assert _rows(en, "Actors") == ["Responsible", "Partner"]
    assert ">No</span>" in en and ">Nei</span>" in nb  # booleans in the page language


def test_layout_unit(tmp_path):
    from kg.web import layout
    from kg.web.describe import Value

    (tmp_path / "s.ttl").write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ex:G1 a sh:PropertyGroup ; rdfs:label "Første"@nb , "First"@en ; sh:order 2 .
    ex:G0 a sh:PropertyGroup ; rdfs:label "Null"@nb ; sh:order 1 .
    ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:pa , ex:pb , ex:pc .
    ex:pa sh:path ex:a ; sh:group ex:G1 ; sh:order 2 ; sh:name "A-nb"@nb , "A-en"@en .
    ex:pb sh:path ex:b ; sh:group ex:G1 ; sh:order 1 .
    ex:pc sh:path ex:c ; sh:group ex:G0 .
    """)
    lay = layout.Layout.from_dir(tmp_path)
    props = [(Value(None, n, iri="https://example.org/" + n), [Value(None, "v")]) for n in ("z", "a", "b", "c")]
    out = lay.group(["https://example.org/C"], props)
    assert [(h, [p.label for p, _v in rows]) for h, rows in out] == [
        ("Null", ["c"]), ("Første", ["b", "A-nb"]), ("Andre egenskaper", ["z"])]
    assert lay.group(["https://example.org/Other"], props) == [("Andre egenskaper", props)]
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.ttl").write_text("this is not turtle")
    assert layout.for_dir(str(bad)).slots == {}

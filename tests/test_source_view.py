"""Source documents served with line anchors (/source/{id}/text), and the measure pages' line spans
linking there. Facts from data/sources/001_af88ce2a34d40677.txt (hp2025) and 002_5313b943f715c6e2.txt (hp2024)."""

from __future__ import annotations

import html as htmllib
import re

import pytest

from kg import config, sources

HTML = {"Accept": "text/html"}


def _abs(page: str, html: str, attr: str = 'class="source-lines" href') -> list[str]:
    """The links of `attr` on the page at path `page`, resolved (the server writes relative links)."""
    from urllib.parse import urljoin
    return [urljoin("http://testserver" + page, h).removeprefix("http://testserver")
            for h in re.findall(attr + r'="([^"]+)"', html)]


def _spans(page: str, html: str) -> list[tuple[str, str, str]]:
    """(source id, first line, last line or '') of each line-span link on the page at `page`."""
    return [m.groups() for h in _abs(page, html) if (m := re.fullmatch(r"/source/([\w-]+)/text#L(\d+)(?:-L(\d+))?", h))]


@pytest.fixture(scope="module")
def real(real_client):
    return real_client


def test_every_registered_source_is_served_with_numbered_lines(real):
    for src in sources.registry().values():
        r = real.get(f"/source/{src.id}/text", headers=HTML)
        assert r.status_code == 200, src.id
        lines = src.lines()
        ids = re.findall(r'<div class="line" id="L(\d+)"><a class="ln" href="#L\1">\1</a><span '
                         r'class="lt">(.*?)</span></div>', r.text)
        assert [int(n) for n, _ in ids] == list(range(1, len(lines) + 1))
        assert [htmllib.unescape(t) for _, t in ids] == lines
        assert '<script src="../../static/source.js" defer></script>' in r.text
        assert "<style" not in r.text and " style=" not in r.text and " onclick=" not in r.text


def test_line_98_is_k1_heading(real):
    r = real.get("/source/hp2025/text", headers=HTML)
    assert '<div class="line" id="L98"><a class="ln" href="#L98">98</a><span class="lt">K1 Inkluderende oppvekstmiljø </span></div>' in r.text


def test_plain_text_and_errors(real):
    r = real.get("/source/hp2025/text?format=text")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert r.text.splitlines() == sources.registry()["hp2025"].lines()
    assert real.get("/source/nope/text", headers=HTML).status_code == 404
    assert real.get("/source/hp2025/text?format=pdf").status_code == 400
    assert real.get("/source/..%2F..%2Fetc%2Fpasswd/text").status_code == 404


def test_span_links_to_the_document_that_has_those_lines(real):
    # 2024 L8 derives from both 2024 captures; its span 299–304 is in hp2024 (line 304: "Prioritering: tas ut …")
    html = real.get("/plan/inkluderende-innlandet/programme/2024/measure/L8", headers=HTML).text
    assert '<a class="source-lines" href="../../../../../source/hp2024/text#L299-L304">linje 299–304</a>' in html
    assert "source/hp2024-fields/text#" not in html
    assert sources.registry()["hp2024"].lines()[303].startswith("Prioritering: tas ut av handlingsprogrammet for 2024")


def test_every_measure_span_points_into_its_document(real, store):
    rows = store.query("""PREFIX rp: <https://w3id.org/regplan/ontology#>
        SELECT ?m WHERE { ?m a rp:Measure ; rp:sourceLineStart ?s }""")
    reg = sources.registry()
    n = 0
    for row in rows:
        path = row["m"].value.removeprefix(config.base_iri())
        html = real.get("/" + path, headers=HTML).text
        for sid, a, b in _spans("/" + path, html):
            last = int(b or a)
            assert 1 <= int(a) <= last <= len(reg[sid].lines()), (path, sid, a, b)
            n += 1
    assert n >= 87  # every measure of both programmes has its span linked


def test_other_resources_link_their_spans_per_document(real):
    # focus area A: hp2024 line 137 "5.2 Arbeidsliv og arbeidsplassutvikling", hp2025 line 376 "Arbeidsliv og arbeidsplassutvikling"
    reg = sources.registry()
    assert reg["hp2024"].lines()[136] == "5.2 Arbeidsliv og arbeidsplassutvikling"
    assert reg["hp2025"].lines()[375].strip() == "Arbeidsliv og arbeidsplassutvikling"
    html = real.get("/plan/inkluderende-innlandet/focus-area/A", headers=HTML).text
    links = _abs("/plan/inkluderende-innlandet/focus-area/A", html)
    assert links == ["/source/hp2024/text#L137-L139", "/source/hp2025/text#L376-L378"]
    # grant project 9 ("Inn i jobb"), grants2022 line 21
    html = real.get("/grant-round/statsforvalteren-innlandet-2022/project/9", headers=HTML).text
    assert _abs("/grant-round/statsforvalteren-innlandet-2022/project/9", html) == ["/source/grants2022/text#L21"]


def test_every_span_on_every_page_points_into_its_document(real, store):
    reg = sources.registry()
    rows = store.query("""PREFIX rp: <https://w3id.org/regplan/ontology#>
        SELECT DISTINCT ?s WHERE { ?s rp:sourceLineStart ?x FILTER(isIRI(?s)) }""")
    pages = n = 0
    for row in rows:
        path = row["s"].value.removeprefix(config.base_iri())
        html = real.get("/" + path, headers=HTML).text
        pages += 1
        for sid, a, b in _spans("/" + path, html):
            assert 1 <= int(a) <= int(b or a) <= len(reg[sid].lines()), (path, sid, a, b)
            n += 1
    assert pages > 300 and n >= pages  # every resource with a span links at least one

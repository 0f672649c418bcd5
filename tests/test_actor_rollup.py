"""Actor pages on the real dataset roll up their sub-units (issue 11 item 4): NAV's page lists 2025 A2, whose
responsible party per hp2025 line 418 is NAV Innlandet (a unit of NAV), the same way the actor-involvement question
finds it; values are shown in Norwegian (booleans as Ja/Nei, no raw @nb tags, severities in nb)."""

from __future__ import annotations

import re

import pytest

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def real(real_client):
    return real_client


def test_nav_page_rolls_up_nav_innlandet(real):
    from kg import config

    # hp2025 line 418, under A2 (line 401): "Ansvarlig: NHO Innlandet og NAV Innlandet"
    assert "NAV Innlandet" in (config.SOURCES / "001_af88ce2a34d40677.txt").read_text(encoding="utf-8").splitlines()[417]
    html = real.get("/actor/nav", headers=HTML).text
    resp = re.search(r'class="measures role-responsible">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r"<tr><td>(\d{4})</td><td>(.*?)</td><td class=\"via\">(.*?)</td></tr>", resp, re.S)
    a2 = [(y, via) for y, m, via in rows if ">A2 " in m or "A2 Regionalt" in m]
    assert a2 and a2[0][0] == "2025" and "NAV Innlandet" in a2[0][1]
    assert 'class="rollup-note"' in html and re.search(r"Ansvarlig for \(\d+, \d+ direkte\)", html)


def test_values_in_norwegian(real):
    k1 = real.get("/plan/inkluderende-innlandet/programme/2025/measure/K1", headers=HTML).text
    # the property list is grouped (nested sections), so take it up to the next top-level section
    props = re.search(r'<section class="all-props">(.*?)(?:<section class="incoming">|</main>|$)', k1, re.S).group(1)
    assert ">false<" not in props and ">true<" not in props
    assert re.search(r'<span class="lit">(Ja|Nei)</span>', props)  # rp:isNew
    assert "@nb" not in k1 and 'lang="nb"' in k1


def test_landing_counts_explained_with_separators(real, store):
    import pyoxigraph as ox

    html = real.get("/", headers=HTML).text
    quads = sum(1 for q in store.quads_for_pattern(None, None, None, None) if isinstance(q.graph_name, ox.NamedNode))
    distinct = len({(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, None)
                    if isinstance(q.graph_name, ox.NamedNode)})
    assert quads > distinct > 10_000
    sep = lambda n: f"{n:,}".replace(",", "\u202f")  # noqa: E731
    assert f'<td id="n-quads" data-value="{quads}">{sep(quads)}</td>' in html
    assert f'<td id="n-triples" data-value="{distinct}">{sep(distinct)}</td>' in html
    assert 'class="counts-note"' in html
    en = real.get("/?lang=en", headers=HTML).text  # the counts are explained in English too
    assert "“distinct triples” counts each triple once" in en and "Hver kilde" not in en


def test_attributions_as_role_actor_line(real):
    from kg import config

    lines = (config.SOURCES / "001_af88ce2a34d40677.txt").read_text(encoding="utf-8").splitlines()
    assert "Statsforvalteren" in lines[108] and "NAV" in " ".join(lines[109:111])  # hp2025 lines 109, 110–111
    k1 = real.get("/plan/inkluderende-innlandet/programme/2025/measure/K1", headers=HTML).text
    cell = re.search(r'<td class="attributions">(.*?)</td>', k1, re.S).group(1)
    items = [re.sub(r"<[^>]+>", "", li) for li in re.findall(r"<li>(.*?)</li>", cell)]
    assert items[0] == "ansvarlig: Statsforvalteren i Innlandet (linje 109)"
    assert "samarbeidspartner: NAV (linje 110–111)" in items
    assert '<a class="source-lines" href="../../../../../source/hp2025/text#L110-L111">' in cell
    # the property list is grouped (nested sections), so take it up to the next top-level section
    props = re.search(r'<section class="all-props">(.*?)(?:<section class="incoming">|</main>|$)', k1, re.S).group(1)
    assert "attribution" not in props.lower()  # no "tilskrivning: 1, 1, 2, 3" list of bare numbers
    page = real.get("/plan/inkluderende-innlandet/programme/2025/measure/K1/attribution/partner/1", headers=HTML).text
    assert "<h1>samarbeidspartner: kommuner og regioner</h1>" in page  # not "1"


def test_attributions_linking_here_are_named_by_measure_and_role(real):
    """NAV's "Lenker hit" lists the qualified attributions naming it: each as its measure and role
    (hp2025 line 418: NAV Innlandet responsible for A2; NAV itself is partner in 2025 A1), not as the
    bare number that ends the attribution's IRI."""
    html = real.get("/actor/nav", headers=HTML).text
    incoming = html[html.index("Lenker hit"):]
    texts = re.findall(r'<a href="[^"]*/attribution/[^"]*"[^>]*>([^<]*)</a>', incoming)
    assert texts and not [t for t in texts if t.strip().isdigit()]
    assert "A1 Inkluderende og likestilt arbeidsliv – samarbeidspartner" in texts
    en = real.get("/actor/nav?lang=en", headers=HTML).text
    assert "A1 Inkluderende og likestilt arbeidsliv – partner" in en

"""The query page for people: nb/en question headers, downloads with file names, the money view's bases
and the questions' `fooIri` link columns. Facts from data/sources/001_af88ce2a34d40677.txt (hp2025)."""

from __future__ import annotations

import json
import re

import pytest

from kg import config, queries

HTML = {"Accept": "text/html"}
HP2025 = config.SOURCES / "001_af88ce2a34d40677.txt"


def src_line(n: int) -> str:
    return HP2025.read_text(encoding="utf-8").splitlines()[n - 1]


def test_every_question_has_nb_and_en_title_and_description():
    cat = queries.catalogue()
    assert len(cat) == 20   # 16 + the four follow-up questions (issue 10)
    for name, q in cat.items():
        assert set(q.titles) == {"en", "nb"} and q.titles["en"] == q.title, name
        assert set(q.descriptions) == {"en", "nb"} and q.descriptions["en"] == q.description, name
        assert q.titles["nb"] != q.titles["en"]


def test_language_headers_parse_and_errors(tmp_path):
    p = tmp_path / "x.rq"
    p.write_text("# title: T\n# title@nb: Tittel\n# description: D\n# description@nb: Beskrivelse\n"
                 "# description@nb: fortsetter\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    q = queries.parse(p)
    assert q.title == "T" and q.titles == {"en": "T", "nb": "Tittel"}
    assert q.descriptions == {"en": "D", "nb": "Beskrivelse fortsetter"}
    p.write_text("# title: T\n# param@nb: year year 2025 År\nSELECT * {}\n", encoding="utf-8")
    with pytest.raises(queries.QueryError, match=r"x\.rq:2: a param line has no language tag"):
        queries.parse(p)


@pytest.fixture(scope="module")
def real(real_client):
    return real_client


def test_page_lists_the_titles_in_the_page_language(real):
    html = real.get("/query", headers=HTML).text
    q = queries.get("new-measures")
    plain = html.replace("&#34;", '"').replace("&quot;", '"').replace("&#39;", "'")
    assert f'class="question" title="{q.descriptions["nb"]}">{q.titles["nb"]}</a></li>' in plain
    assert q.titles["en"] not in plain.split('id="qdata"')[0]  # one language per page (the data block has both)
    en = real.get("/query?lang=en", headers=HTML).text.replace("&#34;", '"').replace("&quot;", '"').replace("&#39;",
                                                                                                            "'")
    assert f'class="question" title="{q.descriptions["en"]}">{q.titles["en"]}</a></li>' in en
    assert q.titles["nb"] not in en.split('id="qdata"')[0]
    # the script's texts come in the page language
    data = json.loads(re.search(r'<script type="application/json" id="qdata">(.*?)</script>', en, re.S).group(1))
    assert data["messages"]["kjører …"] == "running …" and data["messages"][" rader"] == " rows"
    assert '<details id="sparql-toggle" open><summary>Vis spørringen' in html  # nothing chosen: the editor is open
    assert '<details id="sparql-toggle"><summary>' in real.get("/query?q=new-measures", headers=HTML).text


def test_download_names_the_file(real):
    sparql = queries.get("measures-by-focus-area").render()
    r = real.get("/query/download", params={"name": "measures-by-focus-area", "format": "csv", "query": sparql})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="measures-by-focus-area.csv"'
    assert r.text.splitlines()[0] == "focusArea,level,measures,ids"
    j = real.get("/query/download", params={"name": "../../etc/x y", "format": "json", "query": sparql})
    assert j.headers["content-disposition"] == 'attachment; filename="etc-x-y.json"' and j.json()["results"]
    assert real.get("/query/download", params={"format": "pdf", "query": sparql}).status_code == 400
    graph = real.get("/query/download", params={"format": "turtle", "name": "k1",
                                                "query": "DESCRIBE <https://w3id.org/regplan/actor/nav>"})
    assert graph.headers["content-disposition"] == 'attachment; filename="k1.ttl"' and "NAV" in graph.text
    assert real.get("/query/download", params={"format": "csv"}).status_code == 400
    # the endpoint's own refusals pass through (no file name on an error)
    bad = real.get("/query/download", params={"format": "csv", "query": "SELEC nonsense"})
    assert bad.status_code == 400 and "content-disposition" not in bad.headers
    upd = real.get("/query/download", params={"format": "csv", "query": "INSERT DATA { <a:b> <a:c> <a:d> }"})
    assert upd.status_code in (400, 403) and "content-disposition" not in upd.headers


def test_money_view_keeps_bases_apart(real):
    from kg.web.queries import builtin_views

    money = builtin_views()[1]
    rows = real.post("/sparql", data={"query": money.text},
                     headers={"Accept": "application/sparql-results+json"}).json()
    got = {(r["focusArea"]["value"], r["basis"]["value"]): int(r["nok"]["value"]) for r in rows["results"]["bindings"]}
    assert len(got) == len(rows["results"]["bindings"])  # one bar per focus area, year and basis
    # K3 line 149 "Årlig bevilgning 2.0 mill. kr. for perioden 2025-2028"
    # + K4 line 160 "Årlig bevilgning 5.0 mill. kr. 2025-2028"
    assert "2.0 mill" in src_line(149) and "5.0 mill. kr. 2025-2028" in src_line(160)
    assert got[("Kompetanse og livslang læring 2025", "per år i 2025–2028")] == 7_000_000
    # A3 line 442 "Bevilgning for 2025: 4 mill. kr." is an amount for one year, not per year
    assert "Bevilgning for 2025: 4 mill. kr." in src_line(442)
    assert got[("Arbeidsliv og arbeidsplassutvikling 2025", "for 2025")] == 4_000_000
    # on an English page the view names the bases in English (same amounts)
    en = builtin_views("en")[1]
    rows_en = real.post("/sparql", data={"query": en.text},
                        headers={"Accept": "application/sparql-results+json"}).json()
    got_en = {(r["focusArea"]["value"],
               r["basis"]["value"]): int(r["nok"]["value"]) for r in rows_en["results"]["bindings"]}
    assert got_en[("Kompetanse og livslang læring 2025", "per year in 2025–2028")] == 7_000_000
    assert sorted(got_en.values()) == sorted(got.values())
    # A13 line 611 "1,78 mill. kroner for årene 2022 og 2023" is a period amount
    assert "1,78 mill. kroner for årene 2022 og 2023" in src_line(611)
    assert got[("Arbeidsliv og arbeidsplassutvikling 2025", "for perioden 2022–2023")] == 1_780_000


def test_questions_give_iris_for_their_labels(store):
    rows = queries.run_local(queries.get("measures-per-responsible").render(), store)
    cols, data = rows
    i, j = cols.index("actor"), cols.index("actorIri")
    pairs = {r[i].value: r[j].value for r in data}
    assert pairs["Innlandet fylkeskommune"] == "https://w3id.org/regplan/actor/innlandet-fylkeskommune"
    cols, data = queries.run_local(queries.get("new-measures").render(), store)
    ids = {r[cols.index("id")].value: r[cols.index("idIri")].value for r in data}
    assert all(re.fullmatch(r"https://w3id\.org/regplan/plan/inkluderende-innlandet/programme/2025/measure/" + k,
                            v) for k, v in ids.items())

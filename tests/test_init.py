"""`kg init DIR` (kg.scaffold): a new dataset folder every command can work on, from flags or answers."""

from __future__ import annotations

import json
import tomllib

import pytest
from typer.testing import CliRunner

from kg import build, config, dataset
from kg import cli as kg_cli
from kg.cli import app

FLAGS = ["--publisher", "Testfylke fylkeskommune (test data)", "--org-number", "999999999",
         "--plan-title-nb", "Regional plan for prøving", "--plan-title-en", "regional plan for testing",
         "--base-iri", "https://example.org/testfylke/", "--county", "99", "--spatial-label", "Testfylke",
         "--contact-email", "post@example.org"]


@pytest.fixture
def restore_dataset():
    """kg init and the commands after it switch the dataset in use; give the flagship back after."""
    before = config.dataset()
    yield
    config.use(before)


def ds_workbooks(folder):
    return dataset.load(folder).workbook_paths()


def init(*args, input=None):
    return CliRunner().invoke(app, ["init", *args], input=input)


def test_init_writes_a_dataset_every_command_reads(tmp_path, restore_dataset):
    folder = tmp_path / "new"
    r = init(str(folder), "--yes", *FLAGS)
    assert r.exit_code == 0, r.output
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
        "README.md", "build", "data", "data/authority", "data/authority/actors.yaml",
        "data/authority/municipalities.yaml", "data/records", "data/sources", "data/sources/sources.yaml",
        "data/workbook.xlsx", "kg.toml", "release"]
    assert ds_workbooks(folder) == [folder / "data" / "workbook.xlsx"]
    ds = dataset.load(folder)
    assert (ds.plan_id, ds.plan_slug) == ("regional-plan-for-proving", "regional-plan-for-proving")
    assert ds.publisher.source == "https://data.brreg.no/enhetsregisteret/oppslag/enheter/999999999"
    assert ds.spatial.iri == "https://data.geonorge.no/administrativeEnheter/fylke/id/99"
    assert ds.contact.email == "post@example.org" and ds.contact.url is None   # nothing added that was not given
    assert ds.title == {"nb": "Handlingsprogram for Regional plan for prøving",
                        "en": "Action programmes of the regional plan for testing"}
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "## English" in readme and "Testfylke fylkeskommune (test data)" in readme
    assert "kg import data/workbook.xlsx" in readme
    # the workbook is kg template's, with its sheets
    from openpyxl import load_workbook

    from kg.workbook.sheets import SHEETS
    names = load_workbook(folder / "data" / "workbook.xlsx").sheetnames
    assert [s.name for s in SHEETS] == [n for n in names if n != "Veiledning"]
    # the empty dataset builds: the ontology only, under the new base IRI
    config.use(ds)
    out = build.run(progress=False)
    assert out == folder / "build" / "dataset.nq"
    manifest = json.loads((folder / "build" / "manifest.json").read_text())
    assert manifest["base_iri"] == "https://example.org/testfylke/"
    assert list(manifest["graphs"]) == ["https://example.org/testfylke/graph/ontology"]


def test_values_with_quotes_and_newlines_stay_valid_toml(tmp_path):
    folder = tmp_path / "q"
    r = init(str(folder), "--yes", *FLAGS, "--title-en", 'The "quoted" \\ title\nnext line')
    assert r.exit_code == 0, r.output
    assert tomllib.loads((folder / "kg.toml").read_text(encoding="utf-8"))["dataset"]["title"]["en"] == \
        'The "quoted" \\ title\nnext line'


def test_missing_values_are_named_by_flag_and_nothing_is_written(tmp_path):
    r = init(str(tmp_path / "new"), "--yes", "--publisher", "X")
    assert r.exit_code == 2
    assert "give --org-number, --plan-title-nb, --plan-title-en, --base-iri, --county or --spatial-iri, " \
           "--spatial-label" in r.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("flag, value, message", [
    ("--org-number", "12345678", "--org-number: '12345678' is not valid"),
    ("--base-iri", "https://example.org/x", "--base-iri: 'https://example.org/x' must end with '/'"),
    ("--contact-email", "not-an-address", "--contact-email: 'not-an-address' is not valid"),
    ("--licence", "NLOD", "--licence: 'NLOD' is not valid"),
])
def test_bad_values_exit_2_naming_the_flag_and_nothing_is_written(tmp_path, flag, value, message):
    args = list(FLAGS)
    if flag in args:
        args[args.index(flag) + 1] = value
    else:
        args += [flag, value]
    r = init(str(tmp_path / "new"), "--yes", *args)
    assert r.exit_code == 2 and message in r.output, r.output
    assert list(tmp_path.iterdir()) == []   # no folder, no staging folder left beside it


def test_refuses_a_folder_that_is_not_empty_unless_force(tmp_path):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    r = init(str(folder), "--yes", *FLAGS)
    assert r.exit_code == 2 and "not empty" in r.output and "--force" in r.output
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    r = init(str(folder), "--yes", "--force", *FLAGS)
    assert r.exit_code == 0, r.output
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine" and (folder / "kg.toml").exists()
    r = init(str(folder), "--yes", "--force", *FLAGS)   # a dataset is there: never overwritten
    assert r.exit_code == 2 and "a dataset is here already" in r.output
    assert list(tmp_path.iterdir()) == [folder]


def test_force_never_overwrites_a_file(tmp_path):
    folder = tmp_path / "busy"
    (folder / "data" / "authority").mkdir(parents=True)
    (folder / "data" / "authority" / "actors.yaml").write_text("actors: []  # mine\n", encoding="utf-8")
    r = init(str(folder), "--yes", "--force", *FLAGS)
    assert r.exit_code == 2 and "data/authority/actors.yaml" in r.output
    assert (folder / "data" / "authority" / "actors.yaml").read_text(encoding="utf-8") == "actors: []  # mine\n"
    assert not (folder / "kg.toml").exists() and list(tmp_path.iterdir()) == [folder]


def test_asks_for_what_is_missing_in_a_terminal(tmp_path, monkeypatch):
    monkeypatch.setattr(kg_cli, "_interactive", lambda: True)
    folder = tmp_path / "asked"
    given = FLAGS[:FLAGS.index("--base-iri")] + FLAGS[FLAGS.index("--county"):]   # all but --base-iri
    # the questions in order; Enter takes each default, the base IRI is typed
    answers = {"base_iri": "https://example.org/asked/"}
    from kg.scaffold import QUESTIONS
    lines = [answers.get(q.key, "") for q in QUESTIONS if q.flag not in given]
    r = init(str(folder), *given, input="\n".join(lines) + "\n")
    assert r.exit_code == 0, r.output
    assert "Base IRI of the dataset's resources" in r.output
    ds = dataset.load(folder)
    assert ds.base_iri == "https://example.org/asked/" and ds.plan_slug == "regional-plan-for-proving"


def test_csv_workbook(tmp_path):
    folder = tmp_path / "csv"
    r = init(str(folder), "--yes", "--csv", *FLAGS)
    assert r.exit_code == 0, r.output
    from kg.workbook.sheets import SHEETS
    assert sorted(p.name for p in (folder / "data" / "workbook").iterdir()) == sorted([f"{s.name}.csv" for s in SHEETS] + ["Veiledning.csv"])  # the guide too
    assert ds_workbooks(folder) == [folder / "data" / "workbook"]


def test_pages_of_a_new_dataset_show_its_own_texts(tmp_path, restore_dataset):
    """Landing page and footer: the new dataset's plan, licence and publisher, none of the flagship's."""
    import pyoxigraph as ox

    from kg.web import i18n, pages

    folder = tmp_path / "new"
    assert init(str(folder), "--yes", *FLAGS, "--licence",
                "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0").exit_code == 0
    config.use(dataset.load(folder))
    for lang, intro, licence in (
            ("nb", "Handlingsprogrammene til <em>Regional plan for prøving</em>",
             "Creative Commons Navngivelse 4.0 Internasjonal"),
            ("en", "The action programmes of the <em>regional plan for testing</em>",
             "Creative Commons Attribution 4.0 International")):
        token = i18n._lang.set(lang)
        try:
            html = pages.render_landing(ox.Store(), "https://example.org/testfylke/")
        finally:
            i18n._lang.reset(token)
        assert intro in html and licence in html
        ld = json.loads(html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0])
        assert ld["name"] == "Handlingsprogram for Regional plan for prøving"   # schema.org Dataset
        assert ld["publisher"] == {"@type": "Organization", "name": "Testfylke fylkeskommune (test data)",
                                   "identifier": "999999999"}
        assert 'href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>' in html
        footer = html[html.index("<footer>"):]
        assert "Testfylke fylkeskommune (test data)." in footer   # the publisher: no source documents
        for flagship in ("Innlandet", "Nordland", "NLOD", "inkluderende"):
            assert flagship not in html

"""kg build reads records as model objects: a record the model refuses, or one whose ids the mappers
cannot resolve, stops the build with the file and the JSON path — never a traceback, nothing written."""

from __future__ import annotations

import json
import shutil
from typing import get_args

import pytest
from typer.testing import CliRunner

from kg import build, config
from kg.cli import app
from kg.graph.plan_statements import ASPECTS
from kg.records.model import ProgrammeRecord, Topic


def _edit(records, name, change) -> None:
    path = records / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _set(obj, *keys_and_value):
    *keys, last, value = keys_and_value
    for k in keys:
        obj = obj[k]
    obj[last] = value


CASES = [
    # the model: what the mappers used to check by hand
    ("hp2025", lambda d: _set(d, "measures", 5, "lines", [0, 4]), "$.measures[5].lines[0]",
     "greater than or equal to 1"),
    ("hp2025", lambda d: _set(d, "status_reports", 0, "line", -3), "$.status_reports[0].line",
     "greater than or equal to 1"),
    ("hp2025", lambda d: (_set(d, "status_reports", 0, "measure", None), _set(d, "status_reports", 0, "row", None)),
     "$.status_reports[0]", "a status report needs a measure or a table row"),
    ("nordland-ung", lambda d: d["statements"][2]["topics"].append("gardening"), "$.statements[2].topics[",
     "'pilots'"),
    ("successors", lambda d: _set(d, "pairs", 1, "to", "K1"), "$.pairs[1].to", "should match pattern"),
]

MAPPER_CASES = [
    # the mappers: what only the authority files and the other records can tell
    ("hp2025", lambda d: _set(d, "measures", 2, "responsible", "mentions", 0, "actor", "no-such-actor"),
     "$.measures[2].responsible.mentions[0].actor", "actor id 'no-such-actor' is not in data/authority/actors.yaml"),
    ("hp2025", lambda d: _set(d, "measures", 4, "id", d["measures"][3]["id"]),
     "$.measures[4].id", "duplicate measure id"),
    ("hp2025", lambda d: _set(d, "centrality", 7, "municipality", "Atlantis"),
     "$.centrality[7].municipality", "municipality 'Atlantis' is not in data/authority/municipalities.yaml"),
    ("hp2025", lambda d: _set(d, "status_reports", 1, "measure", "K99"),
     "$.status_reports[1].measure", "measure 'K99' is not a measure of the 2025 programme"),
    ("hp2025", lambda d: d["status_reports"].append(dict(d["status_reports"][0])),
     "$.status_reports[48]", "a second status report for the same measure and kind"),
    ("grants2022", lambda d: _set(d, "projects", 0, "cofunders", 0, "actor", "nobody"),
     "$.projects[0].cofunders[0].actor", "actor id 'nobody' is not in data/authority/actors.yaml"),
    ("successors", lambda d: _set(d, "pairs", 3, "from", "2024/K77"),
     "$.pairs[3].from", "'2024/K77' is not a measure in the programme records"),
]


@pytest.mark.parametrize("name, change, path, message", CASES + MAPPER_CASES,
                         ids=[c[2] for c in CASES + MAPPER_CASES])
def test_error_names_file_and_json_path(tmp_path, name, change, path, message):
    records = tmp_path / "records"
    shutil.copytree(config.RECORDS, records)
    _edit(records, name, change)
    out = tmp_path / "out"
    with pytest.raises(build.RecordError) as err:
        build.run(progress=False, records_dir=records, out_dir=out)
    text = str(err.value)
    assert text.startswith(f"{records / name}.json: at {path}"), text
    assert message in text, text
    assert not out.exists() or not any(out.iterdir())


def test_cli_reports_a_mapper_error_without_a_traceback(tmp_path, monkeypatch):
    records = tmp_path / "records"
    shutil.copytree(config.RECORDS, records)
    data = json.loads((records / "hp2025.json").read_text(encoding="utf-8"))
    i = next(i for i, m in enumerate(data["measures"]) if (m.get("partners") or {}).get("mentions"))
    _edit(records, "hp2025", lambda d: _set(d, "measures", i, "partners", "mentions", 0, "group", "no-such-group")
          or _set(d, "measures", i, "partners", "mentions", 0, "actor", None))
    monkeypatch.setattr(config, "RECORDS", records)
    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 2, result.output
    assert f"hp2025.json: at $.measures[{i}].partners.mentions[0].group: group id 'no-such-group'" in result.output
    assert "Traceback" not in result.output


def test_the_mappers_get_model_objects():
    loaded = build.load_records(config.RECORDS)
    programmes = [x for x in loaded if x.kind == "programme" and x.record.programme is not None]
    assert programmes and all(isinstance(x.record, ProgrammeRecord) for x in programmes)
    years = [x.record.programme.year for x in programmes]
    assert years == sorted(years, reverse=True)   # newest programme first, as the build maps them
    assert all(x.file.endswith(f"{x.name}.json") for x in loaded)


def test_every_statement_topic_maps_to_an_aspect():
    assert set(ASPECTS) == set(get_args(Topic))

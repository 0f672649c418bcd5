"""The records model: what `kg extract` writes to data/records/*.json and `kg build` reads.

pydantic v2 models, strict (no coercion: "3" is not 3) and closed (an unknown key is an error), so
a record that drifts from the contract fails at the boundary with the file and the JSON path. The
JSON Schema (docs/records.schema.json) and the reference (docs/records.md) are generated from these
classes by kg.records.docs; tests fail when either is stale.

The extractors build plain dicts and `dumps_json` writes them, so the files stay byte-stable (the
model never reorders or fills in anything on disk). What reads a record reads it as an instance of
these classes: `kg.records.validate.load(data, file)` checks a parsed record and returns its model
object; `kg build`'s graph mappers (kg.graph), `kg export`, the CSV tables and `kg diff` use its
attributes (``prog.year``, ``m.responsible.mentions``). A field the mappers need is required here,
so a record without it fails at the boundary with the file and the JSON path, not inside a mapper.
(Only `kg diff` also reads records from before this model, as dicts: kg.records.validate.read.)
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

#: Bump when a record field is renamed, removed or changes meaning (adding an optional field does not).
SCHEMA_VERSION = 1

#: a 1-based line of the source document
Line = Annotated[int, Field(ge=1)]
Span = Annotated[list[Line], Field(min_length=2, max_length=2, description="[first, last] 1-based source lines")]
#: a focus area's code (e.g. K, A, L) and a measure id: the code, a number, an optional letter (K2A)
FocusCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,3}$")]
MeasureId = Annotated[str, StringConstraints(pattern=r"^[A-Z]{1,3}[0-9]{1,3}[A-Z]?$")]
Severity = Literal["info", "warning", "error"]


class Base(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


# --- envelope -----------------------------------------------------------------------------------

class SourceRef(Base):
    """The source document a record was extracted from (kg.sources.Source.meta())."""
    id: str
    file: str = Field(description="path of the captured text, relative to the project root")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    title: str


class WorkbookSource(Base):
    """A workbook (xlsx or a folder of CSV files) a record was imported from by `kg import`."""
    kind: Literal["workbook"]
    id: str = Field(description="source id: 'workbook-' + the first 12 hex digits of the sha256")
    file: str = Field(description="the workbook's file or folder name as given to kg import")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="of the xlsx file, or of the CSV files in name order")
    title: str


class WorkbookRow(Base):
    """Where a fact imported from a workbook stands: the sheet and the 1-based row (header = row 1)."""
    sheet: str
    row: int = Field(ge=2)


class Located(Base):
    """A fact from a document (``lines``/``line``) or from a workbook (``sheet_row``): one of them is given."""

    sheet_row: WorkbookRow | None = Field(None, description="workbook sheet and row (facts imported by kg import)")

    @model_validator(mode="after")
    def _located(self):
        has_lines = getattr(self, "lines", None) is not None or getattr(self, "line", None) is not None
        if self.sheet_row is None and not has_lines:
            raise ValueError("needs its source location: `lines`/`line` (a document) or `sheet_row` (a workbook)")
        return self


class DerivedSource(Base):
    """successors.json: derived from two programme records, not from one document."""
    id: str
    title: str
    derived_from: list[str]
    files: list[str]
    sha256: list[str]


class Extractor(Base):
    module: str = Field(description="Python module that wrote the record")
    version: int
    method: dict[str, Any] | None = Field(None, description="parameters of a derived record's method (successors)")


class Correction(Base):
    """What the record changed and why; the raw text is always kept too."""
    field: str
    from_: Any = Field(alias="from")
    to: Any
    reason: str


class MeasureRef(Base):
    id: str = Field(description="measure id as the record uses it")
    year: int | None = Field(None, description="programme year; omitted = the programme of this record")


class Anomaly(Base):
    """A problem in the source, reported (never silently fixed). ``kind`` is a catalogue entry."""
    kind: str = Field(description="a kind of the anomaly catalogue (see below)")
    severity: Severity
    subject: str = Field(description="what it is about, for people ('measure K7', 'Vedlegg 2')")
    message: str
    lines: Span | None
    correction: Correction | None
    measures: list[MeasureRef] = Field(description="the measures the anomaly concerns (structured; may be empty)")
    # capture-difference (hp2024): the differing texts of the two captures
    text: str | None = None
    fields_text: str | None = None
    fields_lines: Span | None = None
    differences: list[str] | None = None
    pairs: list[list[int]] | None = None


class Envelope(Base):
    """What every record file carries."""
    schema_version: Literal[1] = Field(description="version of this records model (kg.records.model.SCHEMA_VERSION)")
    source: SourceRef | WorkbookSource
    extractor: Extractor
    anomalies: list[Anomaly]


# --- action programmes ----------------------------------------------------------------------------

class Mention(Base):
    """A name found in a responsible/partner field, resolved against data/authority/actors.yaml."""
    text: str
    actor: str | None = None
    group: str | None = None


class Unit(Base):
    text: str
    item: str
    line: Line


class FieldText(Located):
    """A labelled field of a measure (Ansvarlig, Samarbeidspartnere, …)."""
    text: str
    lines: Span | None = None
    raw: str | None = Field(None, description="the field as printed (line breaks kept)")
    mentions: list[Mention] = []
    remarks: list[str] | None = Field(None, description="explanatory phrases that are not actors")
    shared_with: str | None = Field(None, description="measure whose printed field block this is (K2A/K2B)")
    fields_lines: Span | None = Field(None, description="hp2024: the same field in the fields-only capture")
    units: list[Unit] | None = None
    label: str | None = None


class Links(FieldText):
    measures: list[str] = Field(description="linked measure ids (as printed, normalised)")
    other: list[str] = Field(description="other strategies and plans named")
    unspecified: str | None = None


class Priority(FieldText):
    horizon: Literal["short", "long", "short-and-long"] | None
    status_phrase: str | None


class Money(Located):
    """An amount of money the text states (whole NOK, as written; per-year amounts not multiplied)."""
    amount: int
    currency: Literal["NOK"]
    year: int | None
    period: Annotated[list[int | None], Field(min_length=2, max_length=2)] | None
    basis: Literal["total", "per-year"]
    purpose: str | None
    purpose_basis: Literal["text", "measure-title"] | None = None
    amount_text: str | None = None
    text: str
    line: Line | None = None


class Heading(Base):
    text: str
    lines: Span


class SharedFields(Base):
    with_: str = Field(alias="with")
    lines: Span


class Item(Base):
    """One of several plans a measure lists, each with its own 'Ansvarlig:' (L11 of 2025)."""
    title: str
    lines: Span
    responsible: FieldText
    url: str | None
    url_line: Line | None = None


class UrlLine(Base):
    url: str
    line: Line


class Measure(Located):
    id: MeasureId
    id_derived: bool = Field(description="true when the source prints no id (2024: derived from position)")
    title: str | None
    title_derived: bool
    title_basis: str | None
    markers: list[str] = Field(description="title markers as printed: 'nytt tiltak', 'nytt', 'videreføres'")
    is_new: bool | None
    is_continued: bool | None
    status: Literal["active", "withdrawn"]
    level: Literal["county", "district", "urban"]
    focus_area: FocusCode
    section: str | None
    lines: Span | None = None
    heading: Heading | None = None
    description: str | None = None
    description_lines: Span | None = None
    fields_lines: Span | None = None
    responsible: FieldText | None
    partners: FieldText | None
    links: Links | None
    priority: Priority | None
    money: list[Money] = []
    shared_fields: SharedFields | None = None
    items: list[Item] | None = None
    urls: list[UrlLine] | None = None
    continues: MeasureRef | None = Field(None, description="the measure of an earlier programme this one continues "
                                         "(workbook column 'Viderefører'); successors.json holds the derived pairs")


class Plan(Located):
    id: str
    title: str
    vision: str | None = None
    main_goal: str | None = None
    lines: Span | None = None
    title_line: Line | None = None
    vision_lines: Span | None = None
    main_goal_line: Line | None = None


class Decision(Located):
    case: str
    date: str
    line: Line | None = None


class PreviousProgramme(Located):
    year: int
    adopted: str
    adopted_by: str
    line: Line | None = None


class Programme(Located):
    year: int
    adopted: str | None
    adopted_by: str | None
    lines: Span | None = None
    case: str | None = None
    money: list[Money] | None = None
    allocation_decision: Decision | None = None
    previous: PreviousProgramme | None = None


class FocusArea(Located):
    code: FocusCode
    title: str
    goal: str | None
    goal_year: int | None
    lines: Span | None = None
    section: str | None = None


class Centrality(Located):
    municipality: str
    class_: int = Field(alias="class", ge=1, le=6)
    class_label: str
    line: Line | None = None


class ProgrammeRegion(Located):
    name: str
    municipalities: list[str] | None
    note: str | None = None
    line: Line | None = None


class ReferencedDocument(Located):
    key: str
    identifier: str | None
    title: str
    scope: Literal["national", "regional"] | None
    series: str | None
    lines: Span | None = None


class AllocationRow(Located):
    """A row of the 2023 allocation status table (Vedlegg 2, 2025). IRIs: …/allocation-status/row/{n}."""
    measure: str | None = Field(description="measure the row's title matches (score ≥ 0.75), else null")
    match_score: float | None
    title_in_table: str
    responsible_in_table: str | None
    allocated: int
    used: int
    carried_over: int
    amount_texts: list[str]
    reference: str | None
    decision: str | None
    status: str | None
    remark: str
    line: Line | None = None
    lines: Span | None = None
    title_reconstructed: bool | None = None


class StatedComponent(Base):
    label: str
    amount: int
    line: Line


class AllocationTotals(Base):
    stated_allocated: int | None
    stated_allocated_line: Line | None = None
    stated_components: list[StatedComponent]
    stated_totals: dict[str, dict[str, Any]] | None = None
    stated_totals_lines: Span | None = None
    sums: dict[str, int] | None = None


class DistributionRow(Located):
    """A row of the 2025 distribution table (Vedlegg 2). IRIs: …/distribution/row/{n}."""
    measure: str | None
    title_in_table: str
    title_score: float | None = None
    title_matches: str | None = None
    amount: int
    remark: str
    line: Line | None = None
    lines: Span | None = None


class DistributionTotals(Base):
    stated: dict[str, int] | None = None
    stated_line: Line | None = None
    sum: int | None = None
    sum_measures: int | None = None
    sum_other: int | None = None


class Reconciliation(Base):
    """hp2024: a field of a measure compared across the two captures."""
    measure: str
    field: str
    identical: bool
    text: str | None = None
    fields_text: str | None = None
    lines: Span | None = None
    fields_lines: Span | None = None
    differences: list[str] | None = None


# --- follow-up: status reports, schedules, indicators (issue 10) ------------------------------------

#: status concepts (ontology/followup.ttl, scheme <https://w3id.org/regplan/concept/progress>)
ProgressStatus = Literal["planned", "ongoing", "completed", "suspended", "cancelled"]


class TableRowRef(Base):
    """The budget-table row a report restates (IRI …/programme/{year}/{table}/row/{n})."""
    table: Literal["allocation-status", "distribution"]
    n: int = Field(ge=1, description="row number in the table (1-based, document order)")


class StatusReport(Located):
    """What a programme (or the publisher's workbook) reports about one measure for one period.

    ``allocation-status``: a row of the status table of money allocated earlier (Vedlegg 2 of 2025,
    period 2023); ``programme-status``: the status phrase the programme prints for the measure (period =
    programme year); ``money-decided``: a row of the year's distribution table (period = that year).
    ``status`` is the concept the verbatim ``status_text`` maps to by rule ``status_rule`` (the rules
    are listed in kg/extract/followup.py and docs/followup.md); null when no rule applies."""
    kind: Literal["allocation-status", "programme-status", "money-decided"]
    measure: MeasureId | None = Field(description="measure of this record's programme; null when the source "
                                                  "names none or the id/title match does not hold")
    focus_area: FocusCode | None = Field(description="the measure's, or the table section's")
    title_in_source: str | None
    period: int = Field(description="the year reported on")
    status: ProgressStatus | None
    status_text: str | None = Field(description="the status as written")
    status_rule: str | None
    allocated: int | None = Field(description="NOK")
    used: int | None
    carried_over: int | None
    decided: int | None
    decision: str | None = Field(description="the decision as written ('Fylkesutvalget 09.05.2023')")
    decision_reference: str | None = Field(description="case number of the decision ('PS 59/2023', Elements "
                                                       "'2023/11949')")
    row: TableRowRef | None
    line: Line | None = None
    lines: Span | None = None

    @model_validator(mode="after")
    def _subject(self):
        if self.measure is None and self.row is None:
            raise ValueError("a status report needs a measure or a table row (its IRI is minted from one)")
        return self


class ScheduleEntry(Base):
    """One recurring follow-up step of a plan: what is reported when, by whom, to whom."""
    kind: Literal["status-note", "report", "revision", "indicator-update"]
    what: str = Field(description="what is reported or done, as written")
    document: str | None = Field(description="the document it is reported in, as written ('rådsnotat')")
    reporter: str | None = Field(description="who reports, as written; null when the source does not say")
    recipient: str | None = Field(description="who receives it, as written; null when the source does not say")
    recipient_basis: str | None = Field(None, description="why the recipient is read so, when not stated as subject")
    frequency: Literal["yearly", "continuous"] | None
    month: int | None = Field(ge=1, le=12)
    statement: int = Field(description="the plan statement (n) that states it")
    text: str
    line: Line


class IndicatorValue(Located):
    """A baseline, target or observed value the source states for an indicator."""
    period: int
    value: float
    text: str | None = Field(description="the value as written (null when a workbook row gives only the number)")
    line: Line | None = None


class IndicatorRecord(Located):
    """A result indicator. ``state: announced`` = the source says indicators will be defined; then no
    definition, unit or values (none are stated)."""
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: str
    state: Literal["announced", "defined"]
    definition: str | None
    unit: str | None
    direction: Literal["increase", "decrease"] | None
    baseline: IndicatorValue | None
    targets: list[IndicatorValue]
    observations: list[IndicatorValue]
    statements: list[int] = Field(description="plan statements (n) about the indicator(s)")
    text: str | None = Field(description="the indicator as written (null when a workbook row defines it)")
    line: Line | None = None

    @model_validator(mode="after")
    def _announced_has_no_values(self):
        if self.state == "announced" and (self.baseline or self.targets or self.observations):
            raise ValueError("an indicator only announced has no baseline, targets or observations")
        return self


class ProgrammeRecord(Envelope):
    """hp2025.json, hp2024.json and hp2024-fields.json (the fields-only capture has no plan/programme)."""
    plan: Plan | None = None
    programme: Programme | None = None
    focus_areas: list[FocusArea]
    measures: list[Measure]
    centrality: list[Centrality] | None = None
    regions: list[ProgrammeRegion] | None = None
    referenced_documents: list[ReferencedDocument] | None = None
    allocation_status: list[AllocationRow] | None = None
    allocation_status_totals: AllocationTotals | None = None
    distribution: list[DistributionRow] | None = None
    distribution_totals: DistributionTotals | None = None
    reconciliation: list[Reconciliation] | None = None
    reconciled_with: SourceRef | None = None
    status_reports: list[StatusReport] | None = Field(None,
                                                      description="follow-up: status and money per measure and period")
    indicators: list[IndicatorRecord] | None = Field(None,
                                                     description="follow-up: result indicators of the programme's "
                                                                        "plan, with their values (a workbook's "
                                                                        "Indikatorer)")


# --- successors ---------------------------------------------------------------------------------

#: a measure of a given programme year, as successors.json names it: '2024/K1'
YearMeasure = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}/[A-Z]{1,3}[0-9]{1,3}[A-Z]?$")]


class Pair(Base):
    from_: YearMeasure = Field(alias="from", description="'2024/K1'")
    to: YearMeasure
    score: float
    evidence: dict[str, float]
    reason: str
    relation: str | None = None


class DerivedTitle(Base):
    measure: str
    title: str
    basis: str


class NewMeasure(Base):
    measure: str
    marked_new: bool
    markers: list[str]


class WithoutSuccessor(Base):
    measure: str
    status: str
    reason: str
    best_candidate: str | None = None
    best_score: float | None = None


class SuccessorsRecord(Base):
    """successors.json: which 2025 measure continues which 2024 measure, with the evidence."""
    schema_version: Literal[1]
    source: DerivedSource
    extractor: Extractor
    anomalies: list[Anomaly]
    pairs: list[Pair]
    titles: list[DerivedTitle]
    new_in_2025: list[NewMeasure]
    without_successor: list[WithoutSuccessor]


# --- grants ---------------------------------------------------------------------------------------

class GrantRound(Base):
    id: str
    title: str
    funder: str
    funder_text: str
    county: str
    published: str
    published_line: Line
    amount_granted: int
    amount_applied: int
    applications: int
    projects_stated: int
    currency: Literal["NOK"]
    text: str
    lines: Span


class GrantPlace(Base):
    name: str
    number: str | None
    in_register: bool


class GrantRegion(Base):
    name: str
    region: str | None
    municipalities: list[str] | None


class Cofunder(Base):
    text: str
    actor: str | None


class GrantPartners(Base):
    text: str
    mentions: list[Mention]


class Grant(Base):
    n: int
    kind: str
    named: bool
    title: str | None
    theme: str
    topic: str | None
    status: str | None
    scope: str | None
    programme: str | None
    amount: int | None
    municipalities: list[GrantPlace]
    regions: list[GrantRegion]
    stated_municipality_count: int | None
    cofunders: list[Cofunder] | None = None
    partners: GrantPartners | None = None
    text: str
    line: Line


class Register(Base):
    id: str
    title: str
    url: str
    valid_from: str


class GrantsRecord(Envelope):
    """grants2022.json: a grant round and its projects."""
    round: GrantRound
    projects: list[Grant]
    municipality_register: Register | None


# --- plan statements -------------------------------------------------------------------------------

class PlanPage(Base):
    id: str
    kind: str
    title: str
    title_line: Line
    page_title: str
    publisher: str | None
    publisher_text: str
    description: str | None
    status: str | None
    status_basis: str | None
    lines: Span | None


class Section(Base):
    heading: str
    line: Line


#: what a plan statement speaks to (the build maps each to an aspect concept, kg.graph.plan_statements)
Topic = Literal["pilots", "indicators", "follow-up-system", "status-reporting", "annual-revision",
                "communication", "adoption"]


class Statement(Base):
    n: int
    section: str
    text: str
    line: Line
    topics: list[Topic]
    completed: bool | None = None
    frequency: str | None = None
    month: int | None = Field(None, ge=1, le=12)


class PlanStatementsRecord(Envelope):
    """A plan described on a web page, as statements (layout of a plan page)."""
    plan: PlanPage
    sections: list[Section]
    statements: list[Statement]
    summary: dict[str, list[int]] = Field(description="topic → statement numbers")
    schedule: list[ScheduleEntry] | None = Field(None, description="follow-up: the plan's reporting schedule")
    indicators: list[IndicatorRecord] | None = Field(None, description="follow-up: result indicators")


#: record kind → model; `record_model(data)` picks one from the record's shape
MODELS: dict[str, type[BaseModel]] = {
    "programme": ProgrammeRecord,
    "successors": SuccessorsRecord,
    "grants": GrantsRecord,
    "plan-statements": PlanStatementsRecord,
}

AnyRecord = ProgrammeRecord | SuccessorsRecord | GrantsRecord | PlanStatementsRecord

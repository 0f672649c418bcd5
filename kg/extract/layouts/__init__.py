"""Parsers of one publisher's printed document layout each, chosen by `layout:` in the dataset's
sources.yaml. They read where a document puts what, so they hold the words of that layout; the rest
of kg is free of any one county's names (tests/test_no_dataset_constants.py greps for them).

A layout a new publisher's documents share needs no code: register the document with that layout.
"""

from __future__ import annotations

from collections.abc import Callable

from . import action_programme_2024, action_programme_2025, grant_round_news_2022, nordland_plan_page

#: document layout (``layout:`` in sources.yaml) → the extractor that reads it. The layout, not the
#: year, picks the extractor: a 2026 programme printed like 2025 is ``layout: action-programme-2025``.
LAYOUTS: dict[str, Callable[..., dict]] = {
    "action-programme-2025": action_programme_2025.extract,
    "action-programme-2024": action_programme_2024.extract,
    "action-programme-2024-fields": action_programme_2024.extract_fields,
    "grant-round-news-2022": grant_round_news_2022.extract,
    "nordland-plan-page": nordland_plan_page.extract,
}

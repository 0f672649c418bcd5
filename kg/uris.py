"""Minting IRIs by the URI policy in README.md ("URI policy"): one configurable base, readable paths.

Versioned (per programme year): programme, measure, its money and table rows. Not versioned: plan,
focus area, goal, lineage, actor, group, municipality, region, document, source. Concepts are fixed.
"""

from __future__ import annotations

from . import config
from .namespaces import CONCEPT
from .text import slug


class Minter:
    """IRIs under `base` (default: the dataset's, kg.config.base_iri); plans default to the dataset's plan
    (kg.toml [plan]: records name it by `id`, IRIs by `slug`)."""

    def __init__(self, base: str | None = None, plan_slug: str | None = None, plan_id: str | None = None):
        self.base = base or config.base_iri()
        if plan_slug is None or plan_id is None:
            ds = config.dataset()
            plan_slug, plan_id = plan_slug or ds.plan_slug, plan_id or ds.plan_id
        self.plan_slug, self.plan_id = plan_slug, plan_id

    def plan_slug_for(self, record_plan_id: str | None) -> str:
        """The IRI slug of the plan a record names by id (the dataset's own plan, or another one)."""
        return self.plan_slug if record_plan_id in (None, self.plan_id) else record_plan_id

    def __call__(self, path: str) -> str:
        return self.base + path

    def plan(self, plan: str | None = None) -> str:
        return self(f"plan/{plan or self.plan_slug}")

    def programme(self, year: int, plan: str | None = None) -> str:
        return f"{self.plan(plan)}/programme/{year}"

    def measure(self, year: int, mid: str, plan: str | None = None) -> str:
        return f"{self.programme(year, plan)}/measure/{mid}"

    def lineage(self, first_year: int, mid: str, plan: str | None = None) -> str:
        return f"{self.plan(plan)}/lineage/{first_year}-{mid}"

    def focus_area(self, code: str, plan: str | None = None) -> str:
        return f"{self.plan(plan)}/focus-area/{code}"

    def goal(self, code: str, plan: str | None = None) -> str:
        return f"{self.plan(plan)}/goal/{code}"

    def actor(self, actor_id: str) -> str:
        return self(f"actor/{actor_id}")

    def group(self, group_id: str) -> str:
        return self(f"actor-group/{group_id}")

    def municipality(self, number: str) -> str:
        return self(f"place/municipality/{number}")

    def region(self, name: str) -> str:
        return self(f"place/region/{slug(name)}")

    def document(self, key: str) -> str:
        return self(f"document/{slug(key)}")

    def source(self, source_id: str) -> str:
        return self(f"source/{source_id}")

    def graph(self, name: str) -> str:
        return self(f"graph/{name}")

    def run(self, digest: str) -> str:
        return self(f"run/{digest}")


def concept(scheme: str, code: str) -> str:
    return f"{CONCEPT}{scheme}/{code}"

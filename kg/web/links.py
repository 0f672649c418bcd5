"""Link targets that stay right behind any public base IRI, and the FAIR Signposting vocabulary.

The server answers paths relative to the base IRI (a proxy maps <base IRI>x to /x),
so host-absolute links (`/x`) would point outside the base path once published. Every link the
server writes to a page or header is therefore *relative* to the requested path (`../actor/nav`),
which resolves to the same place both on http://127.0.0.1:8000/ and under the public base.
Only http(s) and mailto IRIs become links: a `javascript:` IRI in the data is shown as text.
"""

from __future__ import annotations

from typing import Callable

LINKABLE = ("http://", "https://", "mailto:")
SCHEMA_ABOUT_PAGE = "https://schema.org/AboutPage"
SCHEMA_DATASET = "https://schema.org/Dataset"


def linkable(iri: str | None) -> bool:
    """True for IRIs that may become a clickable link (http, https, mailto)."""
    return bool(iri) and iri[:8].lower().startswith(LINKABLE)


def relative_ref(current: str, target: str) -> str:
    """Relative reference from the document at path `current` to path `target` (both relative to the
    server root, without a leading '/'). Always starts with './' or '../', so a ':' in the first
    segment cannot be read as a scheme."""
    here = current.split("/")[:-1]  # directory segments of the current document
    there = target.split("/")
    i = 0
    while i < len(here) and i < len(there) - 1 and here[i] == there[i]:
        i += 1
    ref = "../" * (len(here) - i) + "/".join(there[i:])
    return ref if ref.startswith("../") else "./" + ref


def root_of(current: str) -> str:
    """Relative reference to the server root from the document at `current`: './' or '../../'."""
    return relative_ref(current, "")


def href_for(base_iri: str, current: str) -> Callable[[str], str | None]:
    """IRIs minted under the base → relative links to this server; other http(s)/mailto IRIs → themselves;
    anything else → None (shown as text)."""

    def href(iri: str) -> str | None:
        if not linkable(iri):
            return None
        if iri.startswith(base_iri):
            return relative_ref(current, iri[len(base_iri):])
        return iri

    return href

"""HTTP header values: IRIs as ASCII URIs, and RFC 8288 Link headers (FAIR Signposting of kg.web.pages)."""

from __future__ import annotations

from urllib.parse import quote


def header_uri(ref: str) -> str:
    """An IRI or reference as an ASCII URI for an HTTP header (RFC 3987 mapping: UTF-8 percent-encoding
    of non-ASCII, and of characters that may not appear in a URI such as '<', '>', '"', space)."""
    return quote(ref, safe="!#$%&'()*+,/:;=?@[]~-._")


def link_header(links: list[tuple[str, str, str | None]]) -> str:
    """[(target, rel, media type or None)] → an RFC 8288 Link header value."""
    parts = []
    for target, rel, mt in links:
        p = f'<{header_uri(target)}>; rel="{rel}"'
        if mt:
            p += f'; type="{mt}"'
        parts.append(p)
    return ", ".join(parts)

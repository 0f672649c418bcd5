"""The web layer shared by `kg serve` and `kg publish`: what a resource or page says and how it looks.

Modules: describe (resource descriptions from the store, labels in the page language), pages (Jinja2
HTML rendering of resource, landing, query, download and error pages; templates/ and static/), layout
(the property list grouped and ordered by the SHACL profile), i18n (one language per page, nb/en
catalogue), links (relative links, FAIR Signposting), browse and places (the measure browser and the
municipality table), queries (the query page's questions and views), void (VoID statistics), docs
(ontology and shapes documentation). No HTTP here: kg.serve answers requests, kg.publish writes files.
"""

"""Full-text search over the dataset: SQLite FTS5 with a Snowball Norwegian stemmer.

Modules: text (tokenising and stemming, used for documents and queries alike), documents (the
searchable documents and their facets, read from the store), index (building the SQLite file,
searching it with BM25 ranking and facet counts), sparql (the search as SPARQL custom functions).

Why SQLite FTS5 + PyStemmer rather than tantivy: FTS5 ships with Python's sqlite3 (no extra engine,
one file, facets are plain SQL over the same database), PyStemmer is the C Snowball library. Python
cannot register an FTS5 tokenizer, so text is stemmed in Python and FTS5 indexes the stems; the
original text is kept beside it for display.
"""

"""OCR stage: scan files → page images → preprocessed pages → layout → field readings with confidence.

One module per job:

* ``ingest``: scan files → page images; ``preprocess``: flatten, deskew, turn, binarize;
* ``image``: image operations (rules, ink, crops, erasing leaders and box walls);
* ``words``: words and lines (grouping, folding for fuzzy matching);
* ``descriptions``: the layout descriptions (``layouts/*.toml``: titles, labels, sections, formats) loader;
* ``table`` and ``form``: the two readers, each finding its structure and reading its entries (``grid``:
  a table page's rules and the kinds of its rows);
* ``cells``: cell reading and confidence shared by both readers; ``lines``: a cell's lines read one by one
  where the engine gave one line's marks to another; ``marks``, ``mark_shapes``, ``dots_below``,
  ``letter_case``: the marks and letter case checked against the ink (typewriters' separately struck marks);
  ``commas``, ``apostrophes``: punctuation the ink shows and the engine dropped;
* ``layout``: which layout a page has; ``read``: the entry point (read_page, recognize_page);
* ``model``: the data handed on (PageLayout, PageReading); ``engine``: the OCR engine interface;
  ``programs``: the external programs; ``errors``: the typed input errors.

Pure functions over files and images: no settings, no storage, no orchestration, nothing of sohoa's other
packages.
"""

"""OCR stage: scan files → page images → preprocessed pages → layout → field readings with confidence.

One module per step: ``ingest`` → ``preprocess`` → ``layout`` → ``read``; ``engine`` is the OCR engine
interface, ``programs`` wraps the external programs, ``errors`` the typed input errors. Pure functions over
files and images: no settings, no storage, no orchestration.
"""

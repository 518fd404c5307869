"""Prefect flows and tasks: orchestration, retries, caching and artifacts only. The logic lives in ocr/,
validation/ and storage/."""

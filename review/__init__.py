"""The reviewers' web app: the scanned entry beside its readings, by role, keyboard first.

FastAPI with server-rendered Jinja2 pages and a little plain JavaScript (no file from the internet). It reads
and writes the state database and object storage through storage/ only; ``review.app.create_app`` builds it.
"""

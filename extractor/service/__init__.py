"""The review service: an HTTP API, a job store and a web page for reviewing low-confidence fields.

The pieces:

* :mod:`.settings` — :class:`~.settings.ServiceSettings`, checked when made, or read from the environment;
* :mod:`.store` — SQLite (WAL, every write one transaction): documents, jobs, results, the review
  queue and corrections; originals stored by content hash under ``blobs/``;
* :mod:`.uploads` — checks an untrusted upload (size, type by its bytes, pages) and stores it;
* :mod:`.worker` — extraction in isolated worker processes (timeout, memory cap), never in a request;
* :mod:`.auth` — reviewers, their tokens and signed session cookies;
* :mod:`.review` — what the review page shows: labels, the rules about a field, crops, source lines,
  the tables as the national form lays them out; corrections applied to results;
* :mod:`.app` — :func:`~.app.create_app`, the FastAPI app factory; :mod:`.cli` — ``extractor serve``.

Nothing here runs at import time: an app exists only when :func:`~.app.create_app` is called.
"""

"""Trust: the suite that proves luoshi never leaks across units and never loses a report.

Tests only (``luoshi/trust/tests``): the security matrix over every page and API route, CSRF,
session and password settings, security headers, uploads checked by content, schemathesis
over the OpenAPI document, and the end-to-end browser flow. The load-with-faults benchmark
is ``bench/load_faults.py``.
"""

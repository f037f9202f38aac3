"""Benchmarks: ``python -m bench NAME [--scale small|hebei] [args…]``.

Each benchmark is a module ``bench/NAME.py`` with ``main(argv)``; it prints what it measures
and ends with one line ``BENCH NAME key=value …``. Figures go to docs/PERFORMANCE.md with the
command that produced them. Benchmarks are never run by the test suite.
"""

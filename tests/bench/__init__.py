"""Benchmarks, run on demand (not collected by the default pytest run)."""

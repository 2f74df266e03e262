"""The books of a love supermarket: storage, the rules of the books, and the county loop.

Nothing in this package imports the UI; the CLI, the TUI, the tests and the benchmarks all
call the same services.
"""

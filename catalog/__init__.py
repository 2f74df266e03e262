"""Goods and task catalogs: default data, loading and validation, barcodes, pinyin search.

Pure functions and data files; no database and no UI.
"""

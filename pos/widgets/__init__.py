"""Reusable widgets of the shop screen."""

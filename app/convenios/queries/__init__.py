"""Reads of the convenios module."""

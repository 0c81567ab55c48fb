"""Reads of the mejora_continua module."""

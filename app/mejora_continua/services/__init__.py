"""Writes of the mejora_continua module; the caller commits."""

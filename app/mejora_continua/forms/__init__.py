"""Forms of the mejora_continua module, one file per part (shared helpers in comun.py)."""

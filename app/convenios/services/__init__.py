"""Writes of the convenios module (convenios, periods, Anexo 4, imports); the caller commits."""

"""Workbooks of the convenios module that format what its queries computed (the bulk Anexo 4
format, which re-imports, is queries.exportacion)."""

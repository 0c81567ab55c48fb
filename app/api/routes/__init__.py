"""Views of the API (one file per part: catalogo, convenios, anexo4, cifras, documentacion)."""

import importlib
import pkgutil

# Every routes/<part>.py registers its views on import.
for _modulo in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_modulo.name}")

"""Models of the mejora_continua module, one file per part."""

import importlib
import pkgutil

for _modulo in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_modulo.name}")

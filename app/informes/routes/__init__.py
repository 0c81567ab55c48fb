"""Views of the situational report (one file per part; `comun` holds what they share), and
the PDF of an AMC plan (`planes`).

Every figure comes from `informe.datos_informe()` (approved Anexo 4 only, within the reader's
scope), the same data the PDF is built from; a plan's PDF from `informe.plan.datos_plan()`.
"""

import importlib
import pkgutil

# Every routes/<part>.py registers its views on import.
for _modulo in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_modulo.name}")

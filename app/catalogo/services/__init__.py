"""Writes on the catalogue (ODES only), audited; one module per part. The caller commits.

- `comun`: `ErrorCatalogo`, the error every part raises (keyed by the form field it is about).
- `entidades`: a region (labour body, macro-region, aliases) and an MTPE unit.
- `textos`: the official texts of functions, strategic objectives and public services.
- `ciclos`: opening a cycle (copying an earlier IdG set) and whether a cycle's set is closed.
- `indicadores`: an IdG's ficha técnica, its addition to a cycle and its retirement.

Every public name is re-exported below: the views and the other modules call
`services.<name>` or import it from this package; a private helper names its part.
"""

from app.catalogo.services.ciclos import CAMPOS_FICHA, crear_ciclo, motivo_ciclo_cerrado
from app.catalogo.services.comun import ErrorCatalogo
from app.catalogo.services.entidades import editar_region, editar_unidad
from app.catalogo.services.indicadores import (
    LIMITE_LINEA_BASE,
    agregar_indicador,
    editar_ficha,
    editar_indicador,
    numero_y_nombre,
    retirar_indicador,
    validar_ficha,
)
from app.catalogo.services.textos import ALINEACION, editar_texto, motivo_texto_cerrado

__all__ = [
    "ALINEACION",
    "CAMPOS_FICHA",
    "ErrorCatalogo",
    "LIMITE_LINEA_BASE",
    "agregar_indicador",
    "crear_ciclo",
    "editar_ficha",
    "editar_indicador",
    "editar_region",
    "editar_texto",
    "editar_unidad",
    "motivo_ciclo_cerrado",
    "motivo_texto_cerrado",
    "numero_y_nombre",
    "retirar_indicador",
    "validar_ficha",
]

"""Forms of the convenios module, one file per part (the numbers typed as text and the bare
action and reason forms in comun.py).

- `convenios`: a convenio and its adendas.
- `anexo4`: the report's grid, its evidence files, its Excel template and the bulk import.
- `periodos`: a reporting semester and a region's extension.
- `metas`: the year's goals, their observation and the reprogramming of an approved one.

Every public name is re-exported below, so the views import `from app.convenios.forms`.
"""

from app.convenios.forms.anexo4 import (
    ConfirmarImportacionForm,
    EliminarEvidenciaForm,
    EvidenciaForm,
    ImportarAnexo4Form,
    LineaForm,
    PlantillaForm,
    ReporteForm,
)
from app.convenios.forms.comun import (
    AccionForm,
    ConteoField,
    MetaField,
    MotivoForm,
    PorcentajeField,
    leer_conteo,
    leer_decimal,
    leer_meta,
)
from app.convenios.forms.convenios import AdendaDocumentoForm, AdendaForm, ConvenioForm
from app.convenios.forms.metas import (
    ESTADOS_META,
    AbrirProgramacionForm,
    CeldaMetaForm,
    ObservarMetasForm,
    ProgramacionMetasForm,
    ReprogramacionForm,
    ResolucionForm,
)
from app.convenios.forms.periodos import PeriodoForm, ProrrogaForm

__all__ = [
    "AbrirProgramacionForm",
    "AccionForm",
    "AdendaDocumentoForm",
    "AdendaForm",
    "CeldaMetaForm",
    "ConfirmarImportacionForm",
    "ConteoField",
    "ConvenioForm",
    "ESTADOS_META",
    "EliminarEvidenciaForm",
    "EvidenciaForm",
    "ImportarAnexo4Form",
    "LineaForm",
    "MetaField",
    "MotivoForm",
    "ObservarMetasForm",
    "PeriodoForm",
    "PlantillaForm",
    "PorcentajeField",
    "ProgramacionMetasForm",
    "ProrrogaForm",
    "ReporteForm",
    "ReprogramacionForm",
    "ResolucionForm",
    "leer_conteo",
    "leer_decimal",
    "leer_meta",
]

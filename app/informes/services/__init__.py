"""Writes of the situational report, one module per part. Editing the narrative and publishing
only flush (the view commits); a build commits its job, its progress and its file itself.

- `narrativa`: the semester's report row, its narrative sections and motto; `ErrorInforme`.
- `archivos`: where generated PDFs are stored and found again (folder "informes" of
  app/comun/almacenamiento).
- `generacion`: the version of a build's inputs, reuse of a stored file, the build job and its
  progress (a background thread; it commits its own progress).
- `publicacion`: publish and withdraw a final file; `publicado(periodo_id)`, the scope hook.

The names used from outside the package (the views call them as `services.<name>`) are
re-exported below; anything else, and a test patching a part's internals, names the part.
"""

from app.informes.services.archivos import CARPETA as CARPETA_ARCHIVOS
from app.informes.services.archivos import contenido_archivo
from app.informes.services.generacion import (
    MENSAJE_INTERRUMPIDA,
    estado_tarea,
    generar,
    huella,
    interrumpida,
)
from app.informes.services.narrativa import (
    ErrorInforme,
    claves_narrativa,
    editar_narrativa,
    informe_anterior,
    informe_de,
    lema_de,
    narrativa_efectiva,
    narrativa_por_defecto,
    titulo_seccion,
)
from app.informes.services.publicacion import (
    consulta_publicados,
    despublicar,
    fijar_nota_version,
    publicar,
)

__all__ = [
    "CARPETA_ARCHIVOS",
    "ErrorInforme",
    "MENSAJE_INTERRUMPIDA",
    "claves_narrativa",
    "consulta_publicados",
    "contenido_archivo",
    "despublicar",
    "editar_narrativa",
    "estado_tarea",
    "fijar_nota_version",
    "generar",
    "huella",
    "informe_anterior",
    "informe_de",
    "interrumpida",
    "lema_de",
    "narrativa_efectiva",
    "narrativa_por_defecto",
    "publicar",
    "titulo_seccion",
]

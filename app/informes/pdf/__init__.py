"""PDF of the situational report, of a region's ficha and of an AMC plan (ReportLab platypus).

    informe_pdf(datos, *, borrador=False, progreso=None) -> bytes
    ficha_region_pdf(datos) -> bytes
    plan_pdf(datos) -> bytes

All are pure: they format a `DatosInforme` / `DatosFicha` (app.informes.informe) or a
`DatosPlan` (app.informes.informe.plan) and never touch the database, so they can run outside
a request. Output is deterministic (ReportLab's invariant mode, fixed metadata, deterministic
charts): the same data gives the same bytes.
"""

from __future__ import annotations

import io

from app.informes.informe import DatosFicha, DatosInforme
from app.informes.informe.plan import DatosPlan
from app.informes.pdf.base import Progreso, avisar, registrar_fuentes
from app.informes.pdf.documento import Documento
from app.informes.pdf.ficha import story_ficha
from app.informes.pdf.plan import Plan, encabezado
from app.informes.pdf.situacional import Informe

AUTOR = "Oficina de Descentralización – MTPE"
CREADOR = "Sistema de Convenios de Gestión – MTPE"

__all__ = ["ficha_region_pdf", "informe_pdf", "plan_pdf"]


def informe_pdf(
    datos: DatosInforme,
    *,
    borrador: bool = False,
    progreso: Progreso | None = None,
    version: int | None = None,
    nota_version: str | None = None,
) -> bytes:
    """Build the situational report; ``progreso(fraccion, mensaje)`` is told how far it is.

    With ``borrador`` every page carries a large diagonal "BORRADOR" watermark; a ``version``
    after the first prints its number and ``nota_version`` (what it corrects) on the cover.
    """
    registrar_fuentes()
    avisar(progreso, 0.0, "Preparando el informe")
    story = Informe(datos, progreso, version=version, nota_version=nota_version).story()
    salida = io.BytesIO()

    def al_avanzar(fraccion: float, pagina: int) -> None:
        """Report the page layout (one pass) as the last stretch of progress."""
        avisar(progreso, 0.8 + 0.19 * fraccion, f"Componiendo la página {pagina}")

    titulo = (
        f"Informe situacional del ejercicio de las funciones transferidas – {datos.periodo_nombre}"
    )
    doc = Documento(
        salida,
        lema=datos.lema,
        borrador=borrador,
        progreso=al_avanzar if progreso else None,
        title=titulo,
        author=AUTOR,
        creator=CREADOR,
        subject=f"Convenio de Gestión {datos.convenio_periodo}".strip(),
    )
    doc.build(story)
    avisar(progreso, 1.0, "Informe generado")
    return salida.getvalue()


def ficha_region_pdf(datos: DatosFicha) -> bytes:
    """Build one G/DRTPE's ficha of the semester."""
    registrar_fuentes()
    salida = io.BytesIO()
    doc = Documento(
        salida,
        lema=datos.lema,
        borrador=False,
        title=f"Ficha de resultados – {datos.organo} – {datos.periodo_nombre}",
        author=AUTOR,
        creator=CREADOR,
    )
    doc.build(story_ficha(datos))
    return salida.getvalue()


def plan_pdf(datos: DatosPlan) -> bytes:
    """Build an AMC plan's document: cover, contents and its outline with its tables."""
    registrar_fuentes()
    salida = io.BytesIO()
    doc = Documento(
        salida,
        # Until approved, a plan is a draft, and every page says so.
        borrador=not datos.aprobado,
        encabezado=encabezado(datos),
        title=datos.titulo,
        author=AUTOR,
        creator=CREADOR,
        subject=f"Acciones de Mejora Continua – {datos.ambito}",
    )
    doc.build(Plan(datos).story())
    return salida.getvalue()

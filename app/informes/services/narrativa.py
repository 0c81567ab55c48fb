"""The semester's report row and its narrative: section titles, defaults, editing, the motto.

`ErrorInforme`, the refusal every report action raises, lives here with the row every action
starts from (`informe_de`). The default texts themselves are in `app.informes.narrativa`.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import Usuario
from app.comun.auditoria import registrar_evento
from app.comun.concurrencia import comprobar_version
from app.comun.errores import ErrorNegocio
from app.comun.insercion import insertar_una_vez
from app.convenios.models import Periodo
from app.extensions import db
from app.informes.models import EstadoInforme, Informe
from app.informes.narrativa import NARRATIVA_POR_DEFECTO, narrativa_completa

#: Longest text accepted for one narrative section, and for the motto.
LARGO_SECCION = 20_000
LARGO_LEMA = 200

#: Titles of the narrative sections, in report order (keys of NARRATIVA_POR_DEFECTO).
TITULOS_NARRATIVA = {
    "antecedentes": _l("I. Antecedentes"),
    "base_legal": _l("II. Base legal (una norma por línea)"),
    "objetivo_2": _l("III. Objetivos — segundo objetivo"),
    "funciones_intro": _l("IV. Funciones transferidas — introducción"),
    "fuente_funciones": _l("IV. Fuente del Gráfico Nº 01"),
    "convenios_intro": _l("V. Convenios de Gestión — introducción"),
    "idg_intro": _l("VI. Indicadores de Gestión — introducción"),
    "servicios_cierre": _l("VI. Indicadores de Gestión — servicios públicos (cierre)"),
    "contexto_vii": _l("VII. Nivel de cumplimiento — contexto del semestre"),
    "nota_desempeno": _l("VII. Nota al pie «desempeño»"),
    "metodo_viii": _l("VIII. Avances por IdG — método"),
    "contexto_ix": _l("IX. Comparación semestral — contexto"),
}


class ErrorInforme(ErrorNegocio):
    """A report action was refused; the message is shown to the user."""


def informe_de(periodo: Periodo, *, crear: bool = False) -> Informe | None:
    """The semester's report row (created, unsaved-until-commit, when crear is set).

    A new row starts from the texts and motto of the previous semester's report (copied, so a
    later edit of that report does not change this one)."""
    informe = db.session.scalar(sa.select(Informe).filter_by(periodo_id=periodo.id))
    if informe is None and crear:
        anterior = informe_anterior(periodo)
        # In the caller's transaction (its rollback undoes the row); several first requests
        # at once: one inserts, the others wait for it and take its row.
        insertar_una_vez(
            Informe,
            {
                "periodo_id": periodo.id,
                "estado": EstadoInforme.borrador,
                "narrativa": dict(anterior.narrativa or {}) if anterior else {},
                "lema": anterior.lema if anterior else None,
            },
            ["periodo_id"],
        )
        informe = db.session.scalar(sa.select(Informe).filter_by(periodo_id=periodo.id))
    return informe


def informe_anterior(periodo: Periodo) -> Informe | None:
    """The newest report of a semester before `periodo` (the texts a new report starts from)."""
    return db.session.scalar(
        sa.select(Informe)
        .join(Periodo, Periodo.id == Informe.periodo_id)
        .where(
            sa.or_(
                Periodo.anio < periodo.anio,
                sa.and_(Periodo.anio == periodo.anio, Periodo.semestre < periodo.semestre),
            )
        )
        .order_by(Periodo.anio.desc(), Periodo.semestre.desc())
        .limit(1)
    )


def narrativa_por_defecto() -> dict[str, str]:
    """The texts of the published II-2020 report (document 004), what «restaurar» returns to."""
    return dict(NARRATIVA_POR_DEFECTO)


def claves_narrativa() -> list[str]:
    """Narrative section keys in report order (known titles first, then any other default)."""
    defecto = narrativa_por_defecto()
    conocidas = [c for c in TITULOS_NARRATIVA if c in defecto]
    return conocidas + sorted(c for c in defecto if c not in TITULOS_NARRATIVA)


def titulo_seccion(clave: str) -> str:
    """Title of a narrative section as shown in the edit form."""
    return TITULOS_NARRATIVA.get(clave, clave.replace("_", " ").capitalize())


def narrativa_efectiva(informe: Informe | None, periodo: Periodo | None = None) -> dict[str, str]:
    """Every narrative section: the report's override where there is one, else the default.
    Without a report row yet, the texts it will start from (the previous report's)."""
    if informe is None and periodo is not None:
        informe = informe_anterior(periodo)
    guardada = (informe.narrativa or {}) if informe is not None else {}
    # Only known sections: a key left over from an older set of sections is ignored.
    return narrativa_completa({k: v for k, v in guardada.items() if k in NARRATIVA_POR_DEFECTO})


def normalizar(texto: str | None) -> str:
    """Unify line endings and trim, so an unchanged textarea compares equal."""
    return (texto or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def editar_narrativa(
    informe: Informe,
    textos: dict[str, str | None],
    *,
    lema: str | None,
    restaurar: set[str] | frozenset[str] = frozenset(),
    usuario: Usuario,
    version: int | None = None,
) -> dict[str, str]:
    """Save the narrative sections (only overrides of the defaults are stored); audit changes.

    Returns field errors (key → message); when there are any, nothing is changed. Keys in
    restaurar go back to the 2020 text. Raises ErrorInforme if the report is published,
    EdicionConcurrente if it was saved by someone else since `version` was read.
    """
    if informe.publicado:
        raise ErrorInforme(
            _(
                "El informe está publicado: despublíquelo (indicando "
                "el motivo) antes de cambiar su narrativa."
            )
        )
    comprobar_version(informe, version)
    defecto = narrativa_por_defecto()
    anterior = narrativa_efectiva(informe)
    errores: dict[str, str] = {}
    nuevos: dict[str, str] = {}
    for clave in defecto:
        if clave in restaurar:
            nuevos[clave] = normalizar(defecto[clave])
            continue
        if clave not in textos:
            nuevos[clave] = anterior[clave]
            continue
        texto = normalizar(textos[clave])
        if not texto:
            errores[clave] = _(
                "La sección no puede quedar vacía. Escriba el "
                "texto o marque «Restaurar el texto de 2020»."
            )
        elif len(texto) > LARGO_SECCION:
            errores[clave] = _(
                "El texto supera el máximo de %(maximo)s caracteres.",
                maximo=format(LARGO_SECCION, ",").replace(",", " "),
            )
        nuevos[clave] = texto
    lema_nuevo = normalizar(lema) or None
    if lema_nuevo and len(lema_nuevo) > LARGO_LEMA:
        errores["lema"] = _("El lema supera el máximo de %(maximo)s caracteres.", maximo=LARGO_LEMA)
    if errores:
        return errores
    antes = {c: anterior[c] for c in defecto if normalizar(anterior[c]) != nuevos[c]}
    despues = {c: nuevos[c] for c in antes}
    if (informe.lema or None) != lema_nuevo:
        antes["lema"], despues["lema"] = informe.lema, lema_nuevo
    if not despues:
        return {}
    informe.narrativa = {c: t for c, t in nuevos.items() if t != normalizar(defecto[c])}
    informe.lema = lema_nuevo
    db.session.flush()
    registrar_evento(
        "editar_narrativa",
        "informe",
        informe.id,
        usuario_id=usuario.id,
        antes=antes,
        despues=despues,
    )
    return {}


def lema_de(informe: Informe | None, periodo: Periodo) -> str | None:
    """The report's motto; without a report row yet, the one it will start from."""
    if informe is None:
        informe = informe_anterior(periodo)
    return informe.lema if informe is not None else None

"""The activities of a capacity-building programme and their regions × months.

Create and edit an activity (tied to one IdG and run by one unit, linked to recommendations
of the same IdG), set the regions and months it runs in, and read the months and DETALLE
texts as the documents write them ("Feb, Mar y Abri", "Callao y Loreto (Abr)"). Services take
plain data and model objects, never the request; the route commits.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import Usuario
from app.catalogo.models import Indicador, Region, UnidadMTPE
from app.comun.auditoria import cambios, registrar_evento
from app.comun.concurrencia import comprobar_version
from app.comun.roles import Rol
from app.extensions import db
from app.mejora_continua.acceso import puede_gestionar_actividad
from app.mejora_continua.models.evaluaciones import ItemEvaluacion, TipoItem
from app.mejora_continua.models.planes import FilaMatrizLogica
from app.mejora_continua.models.programacion import (
    MESES,
    Actividad,
    EstadoProgramacion,
    ProgramaCapacidades,
    ProgramacionRegional,
    nombre_mes,
    texto_meses,
)
from app.mejora_continua.services.programacion import ErrorProgramacion, exigir_motivo

# --- Months and DETALLE as the documents write them ----------------------------------------

#: Full names a token may abbreviate ("sep…" is accepted besides the Peruvian "set…").
_NOMBRES = {nombre: numero for numero, nombre in enumerate(MESES, start=1)} | {"septiembre": 9}


#: Words that may surround months in the documents ("el mes de mayo de 2021", "Abri y -Agos").
_RELLENO = {"y", "e", "de", "del", "el", "la", "los", "mes", "meses", "en", "para"}


_SEPARADORES = re.compile(r"[\s,;:/()\[\]\-–—.]+")


def _sin_tildes(texto: str) -> str:
    """Lower-case text without accents."""
    return "".join(
        c for c in unicodedata.normalize("NFKD", texto) if not unicodedata.combining(c)
    ).lower()


def _mes_de(token: str) -> int | None:
    """The month a single token names: a number 1–12 or a prefix of at least 3 letters."""
    if token.isdecimal():  # isdigit() accepts "²", which int() refuses
        numero = int(token)
        return numero if 1 <= numero <= 12 else None
    if len(token) < 3 or not token.isalpha():
        return None
    for nombre, numero in _NOMBRES.items():
        if nombre.startswith(token):
            return numero
    return None


def leer_meses(texto: str | None, *, anio: int | None = None) -> list[int]:
    """Parse the months of a text as the documents spell them; return sorted month numbers.

    Accepts abbreviations of any length from 3 letters ("Ene", "Ener", "Febr", "Marz", "Abri",
    "Agos", "Set", "Sept"), full names ("mayo de 2021"), numbers 1–12 and any mix of separators
    ("Feb, Mar y Abri", "Abri y -Agos"). A dash joins two months, never a range: "May-Set" is
    May and September, as "Abri y -Agos" shows. Four-digit years are skipped (and must equal
    anio when given). Empty text gives []. Raises ErrorProgramacion on an unknown word.
    """
    meses: set[int] = set()
    for token in _SEPARADORES.split(_sin_tildes(texto or "")):
        if not token or token in _RELLENO:
            continue
        if len(token) == 4 and token.isdecimal():
            if anio is not None and int(token) != anio:
                raise ErrorProgramacion(
                    _(
                        "El año %(token)s no corresponde a la programación %(anio)s.",
                        token=token,
                        anio=anio,
                    ),
                    "meses",
                )
            continue
        mes = _mes_de(token)
        if mes is None:
            raise ErrorProgramacion(
                _(
                    "No se reconoce el mes «%(token)s». Escriba el nombre del mes o su abreviatura "
                    "(Ene, Feb, Mar, Abr, May, Jun, Jul, Ago, "
                    "Set, Oct, Nov, Dic) o su número (1 a 12).",
                    token=token,
                ),
                "meses",
            )
        meses.add(mes)
    return sorted(meses)


_GRUPO = re.compile(r"([^()]*)\(([^()]*)\)")


def leer_detalle(
    texto: str | None, resolver: Callable[[str], Region | None] | None = None
) -> dict[int, set[int]]:
    """Parse a DETALLE text, "Callao y Loreto (Abr); Ica (Feb y Set)", into months by region.

    Regions are resolved through the catalogue's names and aliases (typos of the documents
    included); "26 regiones" means all of them. Raises ErrorProgramacion naming the unknown
    region or month.
    """
    if resolver is None:
        from app.catalogo.queries import region_por_nombre as resolver
    texto = (texto or "").strip()
    resultado: dict[int, set[int]] = {}
    fin = 0
    for grupo in _GRUPO.finditer(texto):
        fin = grupo.end()
        nombres, meses_texto = grupo.group(1), grupo.group(2)
        meses = leer_meses(meses_texto)
        if not meses:
            raise ErrorProgramacion(
                _(
                    "Indique los meses entre paréntesis para «%(strip)s».",
                    strip=nombres.strip(" ,;."),
                ),
                "detalle",
            )
        if re.search(r"\b26\s+regiones\b", _sin_tildes(nombres)):
            regiones = list(db.session.scalars(sa.select(Region)))
        else:
            regiones = []
            for nombre in re.split(r",|;|\n|\by\b|\be\b", nombres):
                nombre = nombre.strip(" .-:•\t")
                if not nombre:
                    continue
                region = resolver(nombre)
                if region is None:
                    raise ErrorProgramacion(
                        _("No se reconoce la región «%(nombre)s».", nombre=nombre), "detalle"
                    )
                regiones.append(region)
        if not regiones:
            raise ErrorProgramacion(
                _("Indique las regiones antes de «(%(meses_texto)s)».", meses_texto=meses_texto),
                "detalle",
            )
        for region in regiones:
            resultado.setdefault(region.id, set()).update(meses)
    if texto[fin:].strip(" .;,\n"):
        raise ErrorProgramacion(
            _(
                "Falta el mes entre paréntesis después de «%(valor)s».",
                valor=texto[fin:].strip()[:60],
            ),
            "detalle",
        )
    return resultado


# --- Activities ----------------------------------------------------------------------------


def _exigir_gestion(actividad: Actividad, usuario: Usuario) -> None:
    """Refuse unless the user manages the activity."""
    if not puede_gestionar_actividad(actividad, usuario):
        raise ErrorProgramacion(
            _("Solo la unidad responsable de la actividad o la ODES pueden cambiarla.")
        )


def _validar_actividad(programa: ProgramaCapacidades, datos: dict[str, Any], excluir_id=None):
    """Check an activity's IdG, unit, name and number (unique in the IdG)."""
    indicador = db.session.get(Indicador, datos.get("indicador_id") or 0)
    if indicador is None:
        raise ErrorProgramacion(_("Seleccione el indicador de gestión."), "indicador_id")
    if db.session.get(UnidadMTPE, datos.get("unidad_id") or 0) is None:
        raise ErrorProgramacion(_("Seleccione la unidad responsable."), "unidad_id")
    if not (datos.get("nombre") or "").strip():
        raise ErrorProgramacion(_("Escriba el nombre de la actividad."), "nombre")
    numero = datos.get("numero")
    if numero is not None and numero < 1:
        raise ErrorProgramacion(_("El número debe ser 1 o mayor."), "numero")
    repetido = sa.select(Actividad.id).filter_by(
        programa_id=programa.id, indicador_id=indicador.id, numero=numero
    )
    if excluir_id:
        repetido = repetido.where(Actividad.id != excluir_id)
    if numero is not None and db.session.scalar(repetido):
        raise ErrorProgramacion(
            _(
                "Ya hay una actividad N° %(numero)s del IdG %(numero2)s en esta programación.",
                numero=numero,
                numero2=indicador.numero,
            ),
            "numero",
        )


def _accion_plan(accion_id: int | None) -> FilaMatrizLogica | None:
    """The AMC plan action an activity schedules: a training or technical-assistance action."""
    if not accion_id:
        return None
    accion = db.session.get(FilaMatrizLogica, accion_id)
    if accion is None or not accion.capacitacion:
        raise ErrorProgramacion(
            _("La acción del plan no existe o no es de asistencia técnica o capacitación.")
        )
    return accion


def _recomendaciones(ids: Iterable[int], indicador_id: int) -> list[ItemEvaluacion]:
    """The recommendation items of ids; each must be a recommendation of the same IdG."""
    items = []
    for item_id in dict.fromkeys(ids):
        item = db.session.get(ItemEvaluacion, item_id)
        if (
            item is None
            or item.tipo is not TipoItem.recomendacion
            or item.evaluacion.indicador_id != indicador_id
        ):
            raise ErrorProgramacion(
                _("Solo se pueden vincular recomendaciones del mismo indicador de gestión."),
                "recomendaciones",
            )
        items.append(item)
    return items


def _siguiente_numero(programa: ProgramaCapacidades, indicador_id: int) -> int:
    """The next free activity number of an IdG in a programme."""
    mayor = db.session.scalar(
        sa.select(sa.func.max(Actividad.numero)).filter_by(
            programa_id=programa.id, indicador_id=indicador_id
        )
    )
    return (mayor or 0) + 1


def _limpio(datos: dict[str, Any]) -> dict[str, Any]:
    """The activity fields, trimmed."""
    return {
        "indicador_id": datos["indicador_id"],
        "unidad_id": datos["unidad_id"],
        "numero": datos.get("numero"),
        "nombre": " ".join((datos.get("nombre") or "").split()),
        "descripcion": (datos.get("descripcion") or "").strip() or None,
        "nota": (datos.get("nota") or "").strip() or None,
    }


def crear_actividad(
    programa: ProgramaCapacidades, datos: dict[str, Any], *, usuario: Usuario
) -> Actividad:
    """Add an activity; a directorate can only add activities run by its own unit."""
    if usuario.rol is Rol.direccion:
        datos = {**datos, "unidad_id": usuario.unidad_id}
    elif usuario.rol is not Rol.odes:
        raise ErrorProgramacion(_("Solo las direcciones del MTPE y la ODES registran actividades."))
    _validar_actividad(programa, datos)
    limpio = _limpio(datos)
    if limpio["numero"] is None:
        limpio["numero"] = _siguiente_numero(programa, limpio["indicador_id"])
    # Looked up before the activity exists: attached to the programme but not yet in the
    # session, it would be caught half-added by the autoflush of these lookups.
    recomendaciones = _recomendaciones(datos.get("recomendacion_ids") or [], limpio["indicador_id"])
    accion = _accion_plan(datos.get("accion_plan_id"))
    actividad = Actividad(
        programa=programa, recomendaciones=recomendaciones, accion_plan=accion, **limpio
    )
    db.session.add(actividad)
    db.session.flush()
    registrar_evento(
        "crear",
        "actividad_programa",
        actividad.id,
        usuario_id=usuario.id,
        despues={
            **limpio,
            "recomendaciones": [i.id for i in actividad.recomendaciones],
            "accion_plan": accion.id if accion else None,
        },
    )
    return actividad


def editar_actividad(
    actividad: Actividad, datos: dict[str, Any], *, usuario: Usuario, version: int | None = None
) -> Actividad:
    """Change an activity's data; a directorate cannot hand it over to another unit.

    Raises EdicionConcurrente if the activity was saved since `version` was read.
    """
    _exigir_gestion(actividad, usuario)
    comprobar_version(actividad, version)
    if usuario.rol is Rol.direccion:
        datos = {**datos, "unidad_id": actividad.unidad_id}
    datos = {**datos, "numero": datos.get("numero") or actividad.numero}
    _validar_actividad(actividad.programa, datos, actividad.id)
    limpio = _limpio(datos)
    if limpio["indicador_id"] != actividad.indicador_id and any(
        p.estado is not EstadoProgramacion.programada for p in actividad.programaciones
    ):
        raise ErrorProgramacion(
            _("La actividad ya tiene ejecución registrada: no se puede cambiar su indicador."),
            "indicador_id",
        )
    antes, despues = cambios(actividad, limpio)
    if "recomendacion_ids" in datos:
        nuevas = _recomendaciones(datos["recomendacion_ids"] or [], actividad.indicador_id)
        viejas = [i.id for i in actividad.recomendaciones]
        if [i.id for i in nuevas] != viejas:
            antes["recomendaciones"] = viejas
            despues["recomendaciones"] = [i.id for i in nuevas]
            actividad.recomendaciones = nuevas
    if despues:
        registrar_evento(
            "editar",
            "actividad_programa",
            actividad.id,
            usuario_id=usuario.id,
            antes=antes,
            despues=despues,
        )
    return actividad


def _plan_actual(actividad: Actividad) -> dict[tuple[int, int], ProgramacionRegional]:
    """The activity's runs by (region id, month)."""
    return {(p.region_id, p.mes): p for p in actividad.programaciones}


def _texto_plan(claves: Iterable[tuple[int, int]]) -> dict[str, str]:
    """Region name → months, for the audit record."""
    por_region: dict[int, set[int]] = {}
    for region_id, mes in claves:
        por_region.setdefault(region_id, set()).add(mes)
    nombres = {
        r.id: r.nombre
        for r in db.session.scalars(sa.select(Region).where(Region.id.in_(por_region)))
    }
    return {nombres[r]: texto_meses(m) for r, m in sorted(por_region.items())}


def fijar_programacion(
    actividad: Actividad,
    plan: dict[int, Iterable[int]],
    *,
    usuario: Usuario,
    motivo: str | None = None,
) -> tuple[int, int]:
    """Set the regions and months of an activity (region id → months); return (added, removed).

    Runs already executed, moved or cancelled cannot be removed. In an approved programme a
    change needs a reason (and a move of a single run is a reprogramming, not an edit).
    """
    _exigir_gestion(actividad, usuario)
    deseado: set[tuple[int, int]] = set()
    regiones = {r.id for r in db.session.scalars(sa.select(Region))}
    for region_id, meses in plan.items():
        if region_id not in regiones:
            raise ErrorProgramacion(_("Región no válida."), "plan")
        for mes in meses:
            if not isinstance(mes, int) or not 1 <= mes <= 12:
                raise ErrorProgramacion(_("Los meses van del 1 al 12."), "plan")
            deseado.add((region_id, mes))
    actual = _plan_actual(actividad)
    quitar = [p for clave, p in actual.items() if clave not in deseado]
    agregar = sorted(deseado - set(actual))
    con_registro = [
        p for p in quitar if p.estado is not EstadoProgramacion.programada or p.movimientos
    ]
    if con_registro:
        detalle = ", ".join(
            f"{p.region.nombre} ({nombre_mes(p.mes).lower()})" for p in con_registro
        )
        raise ErrorProgramacion(
            _(
                "No se puede quitar lo que ya tiene ejecución, "
                "reprogramación o cancelación registrada: %(detalle)s.",
                detalle=detalle,
            ),
            "plan",
        )
    if not quitar and not agregar:
        return 0, 0
    if actividad.programa.aprobado:
        motivo = exigir_motivo(
            motivo, _("La programación está aprobada: indique el motivo del cambio."), "motivo"
        )
    for programacion in quitar:
        actividad.programaciones.remove(programacion)
    for region_id, mes in agregar:
        actividad.programaciones.append(ProgramacionRegional(region_id=region_id, mes=mes))
    db.session.flush()
    registrar_evento(
        "programar",
        "actividad_programa",
        actividad.id,
        usuario_id=usuario.id,
        antes={"quitado": _texto_plan((p.region_id, p.mes) for p in quitar)} if quitar else None,
        despues={"agregado": _texto_plan(agregar)} if agregar else None,
        motivo=(motivo or "").strip() or None,
    )
    return len(agregar), len(quitar)

"""Anexo 5 workflow: the proponent unit's evaluation of one IdG in one semester.

A draft of conclusions computed from the approved Anexo 4, validation of the regions and
responsible parties each item names, a cross-check of classified conclusions against the data
(contradictions: warnings, never blocking), and submit / return / approve / reopen with audit
events. Services take plain data and model objects, never the request; the route commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from app.auth.models import Usuario
from app.catalogo.models import Indicador, Region, UnidadMTPE, normalizar
from app.comun import calculos
from app.comun.auditoria import registrar_evento
from app.comun.base import ahora as ahora_utc
from app.comun.concurrencia import comprobar_version
from app.comun.errores import ErrorNegocio
from app.comun.roles import Rol
from app.convenios.models import ETIQUETAS_CELDA, EstadoCelda, EstadoReporte, Periodo
from app.convenios.queries.anexo4 import celdas as celdas_anexo4
from app.convenios.services.anexo4 import devolver_a_observado
from app.extensions import db
from app.mejora_continua.models.evaluaciones import (
    Clasificacion,
    Evaluacion,
    ItemEvaluacion,
    TipoItem,
)
from app.mejora_continua.queries import evaluaciones as queries

MAX_TEXTO = 4000
MAX_VEREDICTO = 500
LIMA = ZoneInfo("America/Lima")

#: Classifications that state a figure (the cell must have a value) and those that state none.
CON_VALOR = frozenset({Clasificacion.cumplio_meta, Clasificacion.no_cumplio_meta})
SIN_VALOR = frozenset({Clasificacion.sin_meta, Clasificacion.no_aplica, Clasificacion.no_remitio})
#: Classifications checked against the Anexo 4 (otra and None are free text).
CLASIFICADAS = CON_VALOR | SIN_VALOR | {Clasificacion.no_ejecuto}


class ErrorEvaluacion(ErrorNegocio):
    """A workflow or data rule was broken; the message is shown to the user.

    `errores` maps an item's position in the submitted list to {field: message}.
    """

    def __init__(
        self,
        mensaje: str,
        campo: str | None = None,
        errores: dict[int, dict[str, str]] | None = None,
    ):
        super().__init__(mensaje, campo)
        self.errores = errores or {}


@dataclass
class DatosItem:
    """One conclusion or recommendation as plain data (id None = new item)."""

    tipo: TipoItem
    texto: str
    clasificacion: Clasificacion | None = None
    regiones: list[int] = field(default_factory=list)
    responsable_drtpe: bool = False
    responsables: list[int] = field(default_factory=list)
    id: int | None = None

    @classmethod
    def de(cls, valor: DatosItem | dict[str, Any]) -> DatosItem:
        """Accept a DatosItem or a dict with the same keys."""
        return valor if isinstance(valor, DatosItem) else cls(**valor)

    @classmethod
    def del_item(cls, item: ItemEvaluacion) -> DatosItem:
        """The plain data of a stored item."""
        return cls(
            tipo=item.tipo,
            texto=item.texto,
            clasificacion=item.clasificacion,
            regiones=[r.id for r in item.regiones],
            responsable_drtpe=item.responsable_drtpe,
            responsables=[u.id for u in item.responsables_mtpe],
            id=item.id,
        )


# --- Small helpers ------------------------------------------------------------------------


def _num(valor: Decimal | None) -> str:
    """A figure without trailing zeros: 70.00 → "70"."""
    return format(Decimal(valor).normalize(), "f") if valor is not None else "—"


def unir(nombres: list[str]) -> str:
    """Join names the Spanish way: "A", "A y B", "A, B y C" ("e" before an i sound: "y Ica")."""
    nombres = list(nombres)
    if len(nombres) <= 1:
        return "".join(nombres)
    ultimo = normalizar(nombres[-1])
    conjuncion = "e" if re.match(r"^h?i(?![aeou])", ultimo) else "y"
    return f"{', '.join(nombres[:-1])} {conjuncion} {nombres[-1]}"


def _sujeto(nombres: list[str]) -> str:
    """ "La G/DRTPE de Loreto" or "Las G/DRTPE de Ica y Loreto"."""
    return f"{'La' if len(nombres) == 1 else 'Las'} G/DRTPE de {unir(nombres)}"


def _clave_texto(texto: str) -> str:
    """Comparison key of an item text: no case, accents, quotes or final punctuation."""
    return re.sub(r"[“”\"«»‘’']", "", normalizar(texto)).strip(" .;:,")


def fecha_lima(momento: datetime) -> date:
    """Calendar date of a timestamp in Lima (deadlines are Lima dates)."""
    if momento.tzinfo is None:  # SQLite returns naive UTC
        momento = momento.replace(tzinfo=UTC)
    return momento.astimezone(LIMA).date()


def en_conflicto(a: Clasificacion | None, b: Clasificacion | None) -> bool:
    """Whether one region can't be said to be in both classified groups of one evaluation."""
    if a is None or b is None or a == b or a not in CLASIFICADAS or b not in CLASIFICADAS:
        return False
    par = {a, b}
    if par == CON_VALOR:
        return True
    if par & CON_VALOR and par & SIN_VALOR:
        return True
    return par == {Clasificacion.cumplio_meta, Clasificacion.no_ejecuto}


# --- Access and locking -------------------------------------------------------------------


def puede_ver(evaluacion: Evaluacion, usuario: Usuario) -> bool:
    """ODES reads all; a unit its own in any state; other units and reviewers only approved."""
    if usuario.rol is Rol.odes:
        return True
    if usuario.rol is Rol.direccion and usuario.unidad_id == evaluacion.unidad_id:
        return True
    if usuario.rol in (Rol.direccion, Rol.revisor):
        return evaluacion.estado is EstadoReporte.aprobado
    return False


def puede_editar(evaluacion: Evaluacion, usuario: Usuario) -> bool:
    """Only users of the proponent unit write the evaluation (workflow state checked apart)."""
    return usuario.rol is Rol.direccion and usuario.unidad_id == evaluacion.unidad_id


def motivo_bloqueo(evaluacion: Evaluacion) -> str | None:
    """Why the unit can't edit this evaluation now (None = it can)."""
    if evaluacion.estado is EstadoReporte.aprobado:
        return _("El Anexo 5 está aprobado y bloqueado. Solo la ODES puede reabrirlo.")
    if evaluacion.estado is EstadoReporte.enviado:
        return _(
            "El Anexo 5 fue enviado y está en revisión; podrá modificarlo si la ODES lo observa."
        )
    if not evaluacion.periodo.abierto:
        return _("El periodo %(nombre)s está cerrado.", nombre=evaluacion.periodo.nombre)
    return None


def dias_de_retraso(evaluacion: Evaluacion) -> int | None:
    """Days after the Anexo 5 due date it was first sent (None = on time or not sent)."""
    limite = evaluacion.periodo.fecha_limite_anexo5
    if evaluacion.enviado_en is None or limite is None:
        return None
    dias = (fecha_lima(evaluacion.enviado_en) - limite).days
    return dias if dias > 0 else None


def _exigir_edicion(evaluacion: Evaluacion, usuario: Usuario) -> None:
    """Refuse unless the user's unit wrote the evaluation and it is not locked."""
    if not puede_editar(evaluacion, usuario):
        raise ErrorEvaluacion(
            _(
                "Solo la unidad proponente (%(sigla)s) puede modificar este Anexo 5.",
                sigla=evaluacion.unidad.sigla,
            )
        )
    bloqueo = motivo_bloqueo(evaluacion)
    if bloqueo:
        raise ErrorEvaluacion(bloqueo)


# --- Creation -----------------------------------------------------------------------------


def obtener_o_crear_evaluacion(
    indicador: Indicador, periodo: Periodo, usuario: Usuario | None
) -> Evaluacion:
    """Return the Anexo 5 of an IdG and semester, creating the draft for the proponent unit."""
    evaluacion = queries.evaluacion_de(indicador, periodo)
    if evaluacion is not None:
        return evaluacion
    if usuario is not None and not (
        usuario.rol is Rol.direccion and usuario.unidad_id == indicador.proponente_id
    ):
        raise ErrorEvaluacion(
            _(
                "Solo la unidad proponente del %(etiqueta)s (%(sigla)s) puede iniciar su Anexo 5.",
                etiqueta=indicador.etiqueta,
                sigla=indicador.proponente.sigla,
            )
        )
    if indicador not in queries.indicadores_del_periodo(periodo):
        raise ErrorEvaluacion(
            _(
                "El %(etiqueta)s no forma parte de los convenios vigentes en el %(nombre)s.",
                etiqueta=indicador.etiqueta,
                nombre=periodo.nombre,
            )
        )
    if not periodo.abierto:
        raise ErrorEvaluacion(_("El periodo %(nombre)s está cerrado.", nombre=periodo.nombre))
    evaluacion = Evaluacion(
        indicador=indicador,
        periodo=periodo,
        unidad_id=indicador.proponente_id,
        estado=EstadoReporte.borrador,
    )
    db.session.add(evaluacion)
    db.session.flush()
    registrar_evento(
        "crear",
        "evaluacion",
        evaluacion.id,
        usuario_id=usuario.id if usuario else None,
        despues={"indicador": indicador.etiqueta, "periodo": periodo.nombre},
    )
    return evaluacion


# --- The Anexo 4 behind the evaluation ----------------------------------------------------


def celdas_del_idg(evaluacion: Evaluacion) -> dict[str, calculos.Celda]:
    """The approved Anexo 4 cells of the evaluation's IdG and semester, by region name."""
    numero = evaluacion.indicador.numero
    return {c.region: c for c in celdas_anexo4(evaluacion.periodo) if c.idg == numero}


@dataclass(frozen=True)
class Sugerencia:
    """A conclusion the system proposes from the Anexo 4 (regions linked, text editable)."""

    clasificacion: Clasificacion | None
    texto: str
    regiones: list[Region]


#: (plural, singular) predicate of each suggested group; {periodo} is the semester's name.
PREDICADOS = {
    Clasificacion.cumplio_meta: ("cumplieron la meta programada", "cumplió la meta programada"),
    Clasificacion.no_cumplio_meta: (
        "no cumplieron la meta programada",
        "no cumplió la meta programada",
    ),
    Clasificacion.sin_meta: (
        "no tenían meta programada en el {periodo}",
        "no tenía meta programada en el {periodo}",
    ),
    Clasificacion.no_aplica: ("no aplican el IdG", "no aplica el IdG"),
    Clasificacion.no_remitio: ("no remitieron la meta", "no remitió la meta"),
}


def _grupo(celda: calculos.Celda) -> Clasificacion:
    """Which suggested group an Anexo 4 cell falls in."""
    cumplio = calculos.cumplio(celda)
    if cumplio is not None:
        return Clasificacion.cumplio_meta if cumplio else Clasificacion.no_cumplio_meta
    return {
        EstadoCelda.no_aplica.value: Clasificacion.no_aplica,
        EstadoCelda.no_remitido.value: Clasificacion.no_remitio,
    }.get(celda.estado, Clasificacion.sin_meta)


def borrador_sugerido(evaluacion: Evaluacion) -> list[Sugerencia]:
    """Suggested conclusions: who met the goal, did not, had none, n/a, did not report."""
    periodo = evaluacion.periodo
    regiones = {r.nombre: r for r in queries.regiones_evaluadas(periodo)}
    grupos: dict[Clasificacion, list[Region]] = {c: [] for c in PREDICADOS}
    for nombre, celda in celdas_del_idg(evaluacion).items():
        if nombre in regiones:
            grupos[_grupo(celda)].append(regiones[nombre])
    sugerencias = []
    for clasificacion, (plural, singular) in PREDICADOS.items():
        miembros = grupos[clasificacion]
        if not miembros:
            continue
        nombres = [r.nombre for r in miembros]
        predicado = (singular if len(nombres) == 1 else plural).format(periodo=periodo.nombre)
        sugerencias.append(Sugerencia(clasificacion, f"{_sujeto(nombres)} {predicado}.", miembros))
    faltan = [r.nombre for r in queries.regiones_sin_anexo4(periodo)]
    if faltan:
        verbo = "no remitió" if len(faltan) == 1 else "no remitieron"
        sugerencias.append(
            Sugerencia(None, f"{_sujeto(faltan)} {verbo} el Anexo 4 del {periodo.nombre}.", [])
        )
    return sugerencias


FRASES_VEREDICTO = {
    "mayor": "es mayor que",
    "ligeramente_mayor": "es ligeramente mayor que",
    "igual": "es igual a",
    "ligeramente_menor": "es ligeramente menor que",
    "menor": "es menor que",
}


def veredicto_sugerido(evaluacion: Evaluacion) -> str | None:
    """A one-line verdict comparing the IdG's average execution with its programming."""
    promedio = calculos.promedio(celdas_del_idg(evaluacion).values())
    comparacion = calculos.veredicto(promedio)
    if comparacion is None:
        return None
    return (
        f"En el {evaluacion.periodo.nombre}, en promedio la ejecución "
        f"({promedio.ejecutado_pct} %) {FRASES_VEREDICTO[comparacion]} la programación "
        f"({promedio.programado_pct} %)."
    )


# --- Validation ---------------------------------------------------------------------------


def validar_items(
    evaluacion: Evaluacion, items: list[DatosItem | dict[str, Any]]
) -> dict[int, dict[str, str]]:
    """Check every item; return {position: {field: message}} (empty = all valid)."""
    periodo = evaluacion.periodo
    evaluadas = {r.id for r in queries.regiones_evaluadas(periodo)}
    regiones = {r.id: r for r in db.session.scalars(sa.select(Region))}
    unidades = set(db.session.scalars(sa.select(UnidadMTPE.id)))
    vistos: dict[TipoItem, dict[str, int]] = {t: {} for t in TipoItem}
    numeros = dict.fromkeys(TipoItem, 0)
    asignadas: dict[int, list[tuple[int, Clasificacion]]] = {}
    errores: dict[int, dict[str, str]] = {}
    for posicion, valor in enumerate(items):
        dato = DatosItem.de(valor)
        numeros[dato.tipo] += 1
        numero = numeros[dato.tipo]
        nombre_tipo = dato.tipo.etiqueta.lower()
        error: dict[str, str] = {}
        texto = (dato.texto or "").strip()
        if not texto:
            error["texto"] = _("Escriba el texto de la %(nombre_tipo)s.", nombre_tipo=nombre_tipo)
        elif len(texto) > MAX_TEXTO:
            error["texto"] = _("Máximo %(MAX_TEXTO)s caracteres.", MAX_TEXTO=MAX_TEXTO)
        else:
            clave = _clave_texto(texto)
            if clave in vistos[dato.tipo]:
                error["texto"] = _(
                    "Repite el texto de la %(nombre_tipo)s "
                    "%(valor)s: no se admiten textos duplicados.",
                    nombre_tipo=nombre_tipo,
                    valor=vistos[dato.tipo][clave],
                )
            else:
                vistos[dato.tipo][clave] = numero
        if any(r not in regiones for r in dato.regiones):
            error["regiones"] = _("Una de las regiones indicadas no existe.")
        elif dato.tipo is TipoItem.conclusion:
            _validar_conclusion(dato, numero, periodo, evaluadas, regiones, asignadas, error)
        else:
            if dato.clasificacion is not None:
                error["clasificacion"] = _("Las recomendaciones no llevan clasificación.")
            if any(u not in unidades for u in dato.responsables):
                error["responsables"] = _("Una de las unidades indicadas no existe.")
            elif not dato.responsable_drtpe and not dato.responsables:
                error["responsables"] = _(
                    "Indique al menos un responsable: la G/DRTPE o una unidad del MTPE."
                )
        if error:
            errores[posicion] = error
    return errores


def _validar_conclusion(dato, numero, periodo, evaluadas, regiones, asignadas, error) -> None:
    """Rules of one conclusion: evaluated regions only, no conflicting groups, no owners."""
    if dato.responsable_drtpe or dato.responsables:
        error["responsables"] = _(
            "Las conclusiones no llevan responsables; solo las recomendaciones."
        )
    fuera = [regiones[r].nombre for r in dato.regiones if r not in evaluadas]
    if fuera:
        error["regiones"] = ngettext(
            "%(regiones)s no fue evaluada en el %(periodo)s (sin Anexo 4 aprobado): "
            "una conclusión solo puede nombrar regiones evaluadas.",
            "%(regiones)s no fueron evaluadas en el %(periodo)s (sin Anexo 4 aprobado): "
            "una conclusión solo puede nombrar regiones evaluadas.",
            len(fuera),
            regiones=unir(fuera),
            periodo=periodo.nombre,
        )
        return
    if dato.clasificacion in CLASIFICADAS and not dato.regiones:
        error["regiones"] = _("Una conclusión clasificada debe nombrar al menos una región.")
        return
    for region_id in dict.fromkeys(dato.regiones):
        for otra, clasificacion in asignadas.get(region_id, []):
            if en_conflicto(clasificacion, dato.clasificacion):
                error["regiones"] = _(
                    "%(nombre)s ya figura en la conclusión %(otra)s como "
                    "«%(etiqueta)s»; no puede figurar también como «%(etiqueta2)s».",
                    nombre=regiones[region_id].nombre,
                    otra=otra,
                    etiqueta=clasificacion.etiqueta,
                    etiqueta2=dato.clasificacion.etiqueta,
                )
                return
    if dato.clasificacion is not None:
        for region_id in dict.fromkeys(dato.regiones):
            asignadas.setdefault(region_id, []).append((numero, dato.clasificacion))


# --- Writing ------------------------------------------------------------------------------


def _resumen_item(item: ItemEvaluacion) -> str:
    """One line describing an item, for the history."""
    partes = [item.texto]
    if item.clasificacion is not None:
        partes.append(f"[{item.clasificacion.etiqueta}]")
    if item.regiones:
        partes.append("Regiones: " + ", ".join(r.nombre for r in item.regiones))
    if item.tipo is TipoItem.recomendacion and item.responsable:
        partes.append("Responsable: " + item.responsable)
    return " · ".join(partes)


def _foto(evaluacion: Evaluacion) -> dict[str, str | None]:
    """The evaluation's content as {label: text}, for before/after in the history."""
    foto: dict[str, str | None] = {"Veredicto": evaluacion.veredicto}
    numeros = dict.fromkeys(TipoItem, 0)
    for item in evaluacion.items:
        numeros[item.tipo] += 1
        foto[f"{item.tipo.etiqueta} {numeros[item.tipo]}"] = _resumen_item(item)
    return foto


def _orden_unidad(unidad: UnidadMTPE) -> tuple[str, str]:
    """General directorates before their bodies (DGDFSST-CONSSAT), then by acronym."""
    return (unidad.tipo.value, unidad.sigla)


def escribir_contenido(
    evaluacion: Evaluacion,
    veredicto: str | None,
    items: list[DatosItem],
    *,
    usuario_id: int | None,
    accion: str = "editar",
    motivo: str | None = None,
) -> bool:
    """Write verdict and items (kept items updated in place); audit the change, if any.

    No permission, lock or validation check: callers (guardar_evaluacion, loaders) do them.
    Returns whether anything changed.
    """
    antes = _foto(evaluacion)
    regiones = {r.id: r for r in db.session.scalars(sa.select(Region))}
    unidades = {u.id: u for u in db.session.scalars(sa.select(UnidadMTPE))}
    existentes = {i.id: i for i in evaluacion.items}
    nuevos = []
    for tipo in TipoItem:
        for orden, dato in enumerate((d for d in items if d.tipo is tipo), start=1):
            item = existentes.pop(dato.id, None) if dato.id else None
            item = item or ItemEvaluacion(tipo=tipo)
            item.tipo = tipo
            item.orden = orden
            item.texto = dato.texto.strip()
            item.clasificacion = dato.clasificacion
            item.regiones = sorted(
                (regiones[r] for r in dict.fromkeys(dato.regiones)),
                key=lambda r: (r.orden, r.nombre),
            )
            es_recomendacion = tipo is TipoItem.recomendacion
            item.responsable_drtpe = bool(dato.responsable_drtpe) and es_recomendacion
            item.responsables_mtpe = (
                sorted((unidades[u] for u in dict.fromkeys(dato.responsables)), key=_orden_unidad)
                if es_recomendacion
                else []
            )
            nuevos.append(item)
    evaluacion.items = nuevos
    evaluacion.veredicto = " ".join((veredicto or "").split()) or None
    db.session.flush()
    despues = _foto(evaluacion)
    claves = [k for k in dict.fromkeys([*antes, *despues]) if antes.get(k) != despues.get(k)]
    if not claves:
        return False
    # Touch the evaluation so its version moves: item edits count as edits of the Anexo 5.
    evaluacion.actualizado_en = ahora_utc()
    db.session.flush()
    registrar_evento(
        accion,
        "evaluacion",
        evaluacion.id,
        usuario_id=usuario_id,
        antes={k: antes.get(k) for k in claves},
        despues={k: despues.get(k) for k in claves},
        motivo=motivo,
    )
    return True


def guardar_evaluacion(
    evaluacion: Evaluacion,
    veredicto: str | None,
    items: list[DatosItem | dict[str, Any]],
    *,
    usuario: Usuario,
    version: int | None,
) -> None:
    """Save the unit's draft (verdict and items); raise ErrorEvaluacion and write nothing
    if locked or invalid (item errors in `errores`), EdicionConcurrente if stale."""
    _exigir_edicion(evaluacion, usuario)
    comprobar_version(evaluacion, version)
    datos = [DatosItem.de(i) for i in items]
    veredicto = " ".join((veredicto or "").split())
    if len(veredicto) > MAX_VEREDICTO:
        raise ErrorEvaluacion(
            _(
                "El veredicto admite hasta %(MAX_VEREDICTO)s caracteres.",
                MAX_VEREDICTO=MAX_VEREDICTO,
            ),
            "veredicto",
        )
    errores = validar_items(evaluacion, datos)
    if errores:
        raise ErrorEvaluacion(
            _("Hay errores en el formulario; no se guardó nada. Corríjalos y vuelva a guardar."),
            errores=errores,
        )
    escribir_contenido(evaluacion, veredicto, datos, usuario_id=usuario.id)


def aplicar_borrador(
    evaluacion: Evaluacion, *, usuario: Usuario, version: int | None = None
) -> tuple[int, list[str]]:
    """Add the suggested conclusions not yet present (and the verdict if empty).

    Returns (how many were added, why others were left out: they contradict existing items).
    """
    _exigir_edicion(evaluacion, usuario)
    comprobar_version(evaluacion, version)
    datos = [DatosItem.del_item(i) for i in evaluacion.items]
    presentes = {_clave_texto(d.texto) for d in datos if d.tipo is TipoItem.conclusion}
    agregadas, omitidas = 0, []
    for sugerencia in borrador_sugerido(evaluacion):
        if _clave_texto(sugerencia.texto) in presentes:
            continue
        candidato = DatosItem(
            TipoItem.conclusion,
            sugerencia.texto,
            sugerencia.clasificacion,
            [r.id for r in sugerencia.regiones],
        )
        conclusiones = [d for d in datos if d.tipo is TipoItem.conclusion]
        prueba = [*conclusiones, candidato]
        error = validar_items(evaluacion, prueba).get(len(prueba) - 1)
        if error:
            omitidas.append(f"«{sugerencia.texto}»: {' '.join(error.values())}")
            continue
        indice = max((i for i, d in enumerate(datos) if d.tipo is TipoItem.conclusion), default=-1)
        datos.insert(indice + 1, candidato)
        presentes.add(_clave_texto(sugerencia.texto))
        agregadas += 1
    veredicto = evaluacion.veredicto or veredicto_sugerido(evaluacion)
    escribir_contenido(
        evaluacion, veredicto, datos, usuario_id=usuario.id, accion="aplicar_borrador"
    )
    return agregadas, omitidas


# --- Cross-check with the Anexo 4 ---------------------------------------------------------


def _contradiccion(clasificacion: Clasificacion, celda: calculos.Celda | None) -> str | None:
    """What is wrong with saying `clasificacion` of a region whose cell is `celda`."""
    if celda is None:
        return _("no tiene Anexo 4 aprobado en el semestre")
    estado = EstadoCelda(celda.estado)
    figura = _(
        "en el Anexo 4 la celda figura como «%(ETIQUETAS_CELDA)s»",
        ETIQUETAS_CELDA=ETIQUETAS_CELDA[estado],
    )
    cifras = _(
        "%(cifra)s %% ejecutado frente a %(cifra2)s %% programado",
        cifra=_num(celda.ejecutado),
        cifra2=_num(celda.programado),
    )
    cumplio = calculos.cumplio(celda)
    if clasificacion in CON_VALOR:
        if cumplio is None:
            return figura
        if clasificacion is Clasificacion.cumplio_meta and not cumplio:
            return _("el Anexo 4 registra %(cifras)s", cifras=cifras)
        if clasificacion is Clasificacion.no_cumplio_meta and cumplio:
            return _("el Anexo 4 registra %(cifras)s (sí la cumplió)", cifras=cifras)
        return None
    if clasificacion in (Clasificacion.sin_meta, Clasificacion.no_aplica):
        if estado is EstadoCelda.valor:
            return _("el Anexo 4 registra %(cifra)s %% programado", cifra=_num(celda.programado))
        if estado is EstadoCelda.no_remitido:
            return figura
        return None
    if clasificacion is Clasificacion.no_remitio:
        if estado is EstadoCelda.valor:
            return _("el Anexo 4 registra %(cifras)s", cifras=cifras)
        return None if estado is EstadoCelda.no_remitido else figura
    if clasificacion is Clasificacion.no_ejecuto:
        if estado is EstadoCelda.valor and celda.ejecutado and Decimal(celda.ejecutado) > 0:
            return _("el Anexo 4 registra %(cifra)s %% ejecutado", cifra=_num(celda.ejecutado))
    return None


def contradicciones(evaluacion: Evaluacion) -> list[str]:
    """Classified conclusions that disagree with the approved Anexo 4 (warnings only)."""
    celdas = celdas_del_idg(evaluacion)
    avisos = []
    for numero, item in enumerate(evaluacion.conclusiones, start=1):
        if item.clasificacion not in CLASIFICADAS:
            continue
        for region in item.regiones:
            problema = _contradiccion(item.clasificacion, celdas.get(region.nombre))
            if problema:
                avisos.append(
                    _(
                        "Conclusión %(numero)s («%(etiqueta)s»), %(nombre)s: %(problema)s.",
                        numero=numero,
                        etiqueta=item.clasificacion.etiqueta,
                        nombre=region.nombre,
                        problema=problema,
                    )
                )
    return avisos


# --- Workflow -----------------------------------------------------------------------------


def enviar(evaluacion: Evaluacion, *, usuario: Usuario, ahora: datetime) -> None:
    """Submit the evaluation to ODES once it has a verdict, conclusions and recommendations."""
    _exigir_edicion(evaluacion, usuario)
    faltas = []
    if not (evaluacion.veredicto or "").strip():
        faltas.append(_("Escriba el veredicto."))
    if not evaluacion.conclusiones:
        faltas.append(_("Registre al menos una conclusión."))
    if not evaluacion.recomendaciones:
        faltas.append(_("Registre al menos una recomendación."))
    datos = [DatosItem.del_item(i) for i in evaluacion.items]
    numeros = []
    contador = dict.fromkeys(TipoItem, 0)
    for dato in datos:
        contador[dato.tipo] += 1
        numeros.append(f"{dato.tipo.etiqueta} {contador[dato.tipo]}")
    for posicion, error in validar_items(evaluacion, datos).items():
        faltas += [f"{numeros[posicion]}: {mensaje}" for mensaje in error.values()]
    if faltas:
        raise ErrorEvaluacion(_("No se puede enviar todavía. %(faltas)s", faltas=" ".join(faltas)))
    anterior = evaluacion.estado
    evaluacion.estado = EstadoReporte.enviado
    if evaluacion.enviado_en is None:
        evaluacion.enviado_en = ahora
    registrar_evento(
        "enviar",
        "evaluacion",
        evaluacion.id,
        usuario_id=usuario.id,
        antes={"estado": anterior},
        despues={"estado": evaluacion.estado},
    )


def observar(evaluacion: Evaluacion, *, usuario: Usuario, motivo: str) -> None:
    """ODES returns a submitted evaluation to the unit with a required reason."""
    if usuario.rol is not Rol.odes:
        raise ErrorEvaluacion(_("Solo la ODES observa el Anexo 5."))
    if evaluacion.estado is not EstadoReporte.enviado:
        raise ErrorEvaluacion(_("Solo se puede observar un Anexo 5 enviado."))
    motivo = (motivo or "").strip()
    if not motivo:
        raise ErrorEvaluacion(
            _("Indique el motivo de la observación; la dirección lo verá."), "motivo"
        )
    devolver_a_observado(
        evaluacion,
        tipo="evaluacion",
        accion="observar",
        desde=EstadoReporte.enviado,
        motivo=motivo,
        aviso=motivo,
        usuario_id=usuario.id,
    )


def aprobar(evaluacion: Evaluacion, *, usuario: Usuario, ahora: datetime) -> None:
    """ODES approves and locks a submitted evaluation (contradictions are recorded, not fatal)."""
    if usuario.rol is not Rol.odes:
        raise ErrorEvaluacion(_("Solo la ODES aprueba el Anexo 5."))
    if evaluacion.estado is not EstadoReporte.enviado:
        raise ErrorEvaluacion(_("Solo se puede aprobar un Anexo 5 enviado."))
    avisos = contradicciones(evaluacion)
    evaluacion.estado = EstadoReporte.aprobado
    evaluacion.aprobado_en = ahora
    evaluacion.aprobado_por_id = usuario.id
    evaluacion.motivo_observacion = None
    despues: dict[str, Any] = {"estado": evaluacion.estado}
    if avisos:
        despues["contradicciones con el Anexo 4"] = " ".join(avisos)
    registrar_evento(
        "aprobar",
        "evaluacion",
        evaluacion.id,
        usuario_id=usuario.id,
        antes={"estado": EstadoReporte.enviado},
        despues=despues,
    )


def reabrir(evaluacion: Evaluacion, *, usuario: Usuario, motivo: str) -> None:
    """ODES reopens an approved evaluation (back to observado) with a reason."""
    if usuario.rol is not Rol.odes:
        raise ErrorEvaluacion(_("Solo la ODES puede reabrir un Anexo 5 aprobado."))
    if evaluacion.estado is not EstadoReporte.aprobado:
        raise ErrorEvaluacion(_("Solo se reabre un Anexo 5 aprobado."))
    motivo = (motivo or "").strip()
    if not motivo:
        raise ErrorEvaluacion(_("Indique el motivo de la reapertura."), "motivo")
    devolver_a_observado(
        evaluacion,
        tipo="evaluacion",
        accion="reabrir",
        desde=EstadoReporte.aprobado,
        motivo=motivo,
        aviso=_("Reabierto por la ODES: %(motivo)s", motivo=motivo),
        usuario_id=usuario.id,
    )

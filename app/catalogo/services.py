# Over ~400 lines: every catalogue write shares ErrorCatalogo and the audit; the cycles' part
# (crear_ciclo onwards) is the one to move out first if it grows.
"""Writes on the catalogue (ODES only), audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalogo import queries
from app.catalogo.models import (
    ETIQUETAS_SENTIDO,
    ETIQUETAS_TIPO_VALOR,
    ConjuntoIndicadores,
    FuncionLOGR,
    Indicador,
    ObjetivoEstrategico,
    Region,
    RegionAlias,
    Sentido,
    ServicioPublico,
    TipoValor,
    UnidadMTPE,
    normalizar,
)
from app.comun.auditoria import cambios, registrar_evento
from app.comun.errores import ErrorNegocio
from app.comun.i18n import traducir
from app.extensions import db


class ErrorCatalogo(ErrorNegocio):
    """A catalogue rule was broken; the message is shown next to the field."""

    def __init__(self, campo: str, mensaje: str):
        super().__init__(mensaje, campo)


def editar_region(
    region: Region, datos: dict[str, Any], aliases: list[str], *, usuario_id: int | None
) -> Region:
    """Change a region's labour body, macro-region and aliases."""
    claves: dict[str, str] = {}
    for alias in aliases:
        clave = normalizar(alias)
        if clave and clave != normalizar(region.nombre):
            claves.setdefault(clave, alias)
    if claves:
        ocupado = db.session.execute(
            sa.select(RegionAlias.alias, Region.nombre)
            .join(Region)
            .where(RegionAlias.clave.in_(claves), RegionAlias.region_id != region.id)
        ).first()
        if ocupado:
            raise ErrorCatalogo(
                "aliases",
                _(
                    "El alias «%(ocupado)s» ya pertenece a %(ocupado2)s.",
                    ocupado=ocupado[0],
                    ocupado2=ocupado[1],
                ),
            )
    antes, despues = cambios(region, datos)
    previos = sorted(a.alias for a in region.aliases)
    nuevos = sorted(claves.values())
    if previos != nuevos:
        # Reuse rows whose key stays, so the unique key is never inserted twice in one flush.
        existentes = {a.clave: a for a in region.aliases}
        region.aliases = [
            existentes.get(c) or RegionAlias(alias=a, clave=c) for c, a in claves.items()
        ]
        for alias in region.aliases:
            alias.alias = claves[alias.clave]
        antes["aliases"], despues["aliases"] = " | ".join(previos), " | ".join(nuevos)
    if despues:
        registrar_evento(
            "editar", "region", region.id, usuario_id=usuario_id, antes=antes, despues=despues
        )
    return region


def editar_unidad(unidad: UnidadMTPE, datos: dict[str, Any], *, usuario_id: int | None):
    """Change an MTPE unit's name, acronym or parent."""
    if datos.get("padre_id") == unidad.id:
        raise ErrorCatalogo("padre_id", _("Una unidad no puede depender de sí misma."))
    repetida = db.session.scalar(
        sa.select(UnidadMTPE.id).where(
            UnidadMTPE.sigla == datos["sigla"], UnidadMTPE.id != unidad.id
        )
    )
    if repetida:
        raise ErrorCatalogo("sigla", _("Ya existe otra unidad con esa sigla."))
    antes, despues = cambios(unidad, datos)
    if despues:
        registrar_evento(
            "editar",
            "unidad_mtpe",
            unidad.id,
            usuario_id=usuario_id,
            antes=antes,
            despues=despues,
        )
    return unidad


def editar_indicador(indicador: Indicador, datos: dict[str, Any], *, usuario_id: int | None):
    """Change an indicator's texts and alignment (refused once its cycle has reports)."""
    return editar_ficha(indicador, datos, usuario_id=usuario_id)


#: Which IdG field refers to each catalogue entry whose official text ODES may correct
ALINEACION = {
    "funcion_logr": "funcion_id",
    "objetivo_estrategico": "objetivo_id",
    "servicio_publico": "servicio_id",
}


def editar_texto(objeto, campo: str, texto: str, *, tipo: str, usuario_id: int | None) -> None:
    """Change the official text of a catalogue entry, audited.

    Refused while an IdG of a cycle in use is aligned to the entry: that cycle's reports print
    the text next to the IdG (Cuadro 03), and they must regenerate identical.
    """
    motivo = motivo_texto_cerrado(objeto, tipo)
    if motivo:
        raise ErrorCatalogo("ciclo", motivo)
    antes, despues = cambios(objeto, {campo: texto.strip()})
    if despues:
        registrar_evento(
            "editar", tipo, objeto.id, usuario_id=usuario_id, antes=antes, despues=despues
        )


def motivo_texto_cerrado(objeto, tipo: str) -> str | None:
    """Why an entry's official text can no longer change (a cycle in use shows it), or None."""
    columna = ALINEACION.get(tipo)
    if columna is None:
        return None
    ciclos = db.session.scalars(
        sa.select(ConjuntoIndicadores)
        .join(Indicador, Indicador.conjunto_id == ConjuntoIndicadores.id)
        .where(getattr(Indicador, columna) == objeto.id)
        .distinct()
        .order_by(ConjuntoIndicadores.anio_inicio)
    )
    for ciclo in ciclos:
        if queries.ciclo_en_uso(ciclo.id):
            return _(
                "IdG del ciclo %(ciclo)s están alineados a este texto y el ciclo ya tiene "
                "Anexos 4: el texto ya no cambia, para que sus informes se regeneren idénticos.",
                ciclo=ciclo.ciclo,
            )
    return None


# --- Cycles and their indicator sets -------------------------------------------------------

#: The ficha técnica of an IdG: what a new cycle copies from the previous one
CAMPOS_FICHA = (
    "numero",
    "nombre",
    "viceministerio_id",
    "proponente_id",
    "objetivo_id",
    "funcion_id",
    "servicio_id",
    "unidad_medida",
    "tipo_valor",
    "admite_negativo",
    "sentido",
    "numerador",
    "denominador",
    "requiere_evidencia",
    "linea_base",
)


def crear_ciclo(
    anio_inicio: int,
    anio_fin: int,
    *,
    nombre: str | None = None,
    base: ConjuntoIndicadores | None = None,
    usuario_id: int | None,
) -> ConjuntoIndicadores:
    """Open a cycle; with ``base``, its indicator set starts as a copy of that cycle's.

    The copy is new rows: editing the new cycle's IdG never changes an earlier cycle's.
    """
    if anio_fin < anio_inicio:
        raise ErrorCatalogo("anio_fin", _("El año final no puede ser anterior al año inicial."))
    if not (2000 <= anio_inicio <= 2100 and 2000 <= anio_fin <= 2100):
        raise ErrorCatalogo("anio_inicio", _("Año no válido."))
    nombre = (nombre or "").strip() or f"IdG {anio_inicio}"
    if len(nombre) > 80:  # the column is String(80)
        raise ErrorCatalogo("nombre", _("Máximo %(n)s caracteres.", n=80))
    solapado = db.session.scalar(
        sa.select(ConjuntoIndicadores).where(
            ConjuntoIndicadores.anio_inicio <= anio_fin,
            ConjuntoIndicadores.anio_fin >= anio_inicio,
        )
    )
    if solapado is not None:
        raise ErrorCatalogo(
            "anio_inicio",
            _(
                "Los años se cruzan con el ciclo %(ciclo)s (%(nombre)s).",
                ciclo=solapado.ciclo,
                nombre=solapado.nombre,
            ),
        )
    if db.session.scalar(sa.select(ConjuntoIndicadores.id).filter_by(nombre=nombre)):
        raise ErrorCatalogo("nombre", _("Ya existe un ciclo con ese nombre."))
    ciclo = ConjuntoIndicadores(
        nombre=nombre, anio_inicio=anio_inicio, anio_fin=anio_fin, base=base
    )
    db.session.add(ciclo)
    if base is not None:
        for original in base.indicadores:
            ciclo.indicadores.append(
                Indicador(**{campo: getattr(original, campo) for campo in CAMPOS_FICHA})
            )
    db.session.flush()
    registrar_evento(
        "crear_ciclo",
        "conjunto_indicadores",
        ciclo.id,
        usuario_id=usuario_id,
        despues={
            "ciclo": ciclo.ciclo,
            "nombre": nombre,
            "copia_de": base.nombre if base else None,
            "idg": len(ciclo.indicadores),
        },
    )
    return ciclo


def validar_ficha(
    ciclo: ConjuntoIndicadores, datos: dict[str, Any], *, excluir_id: int | None = None
) -> None:
    """Check an IdG's ficha técnica; raise ErrorCatalogo (keyed by field) on the first fault."""
    numero = datos.get("numero")
    if not isinstance(numero, int) or isinstance(numero, bool) or not 1 <= numero <= 999:
        raise ErrorCatalogo("numero", _("El número del IdG debe estar entre 1 y 999."))
    repetido = sa.select(Indicador.id).where(
        Indicador.conjunto_id == ciclo.id, Indicador.numero == numero
    )
    if excluir_id is not None:
        repetido = repetido.where(Indicador.id != excluir_id)
    if db.session.scalar(repetido):
        raise ErrorCatalogo("numero", _("El ciclo ya tiene un IdG %(numero)s.", numero=numero))
    if not (datos.get("nombre") or "").strip():
        raise ErrorCatalogo("nombre", _("Escriba el nombre del IdG."))
    if db.session.get(UnidadMTPE, datos.get("proponente_id") or 0) is None:
        raise ErrorCatalogo("proponente_id", _("Elija la unidad proponente."))
    # Optional references must exist when given (a form may post any id).
    for campo, modelo, mensaje in (
        ("viceministerio_id", UnidadMTPE, _("Elija un viceministerio de la lista.")),
        ("objetivo_id", ObjetivoEstrategico, _("Elija un objetivo estratégico de la lista.")),
        ("funcion_id", FuncionLOGR, _("Elija una función de la lista.")),
        ("servicio_id", ServicioPublico, _("Elija un servicio público de la lista.")),
    ):
        valor = datos.get(campo)
        if valor is not None and db.session.get(modelo, valor) is None:
            raise ErrorCatalogo(campo, mensaje)
    unidad = (datos.get("unidad_medida") or "").strip()
    if "unidad_medida" in datos and not unidad:
        raise ErrorCatalogo("unidad_medida", _("Escriba la unidad de medida."))
    if len(unidad) > 40:
        raise ErrorCatalogo("unidad_medida", _("Máximo %(n)s caracteres.", n=40))
    numerador = (datos.get("numerador") or "").strip()
    denominador = (datos.get("denominador") or "").strip()
    if bool(numerador) != bool(denominador):
        raise ErrorCatalogo(
            "denominador" if numerador else "numerador",
            _("Un IdG de razón necesita numerador y denominador; deje ambos vacíos si no lo es."),
        )
    linea_base = datos.get("linea_base")
    if linea_base is not None:
        if abs(linea_base) >= LIMITE_LINEA_BASE:  # the column is NUMERIC(14, 2)
            raise ErrorCatalogo(
                "linea_base", _("El número es demasiado grande (máximo 999 999 999 999.99).")
            )
        if linea_base < 0 and not datos.get("admite_negativo"):
            raise ErrorCatalogo(
                "linea_base",
                _("La línea de base es negativa y el IdG no admite valores negativos."),
            )


#: Bound of a NUMERIC(14, 2) value (línea de base)
LIMITE_LINEA_BASE = Decimal("1000000000000")


def motivo_ciclo_cerrado(ciclo: ConjuntoIndicadores) -> str | None:
    """Why a cycle's IdG set no longer changes (it has Anexos 4), in plain Spanish; else None."""
    if not queries.ciclo_en_uso(ciclo.id):
        return None
    return _(
        "El ciclo %(ciclo)s ya tiene Anexos 4 registrados: su conjunto de IdG ya no cambia "
        "(no se agregan, editan ni retiran IdG), para que sus reportes e informes se "
        "regeneren idénticos. Los cambios van en un ciclo nuevo.",
        ciclo=ciclo.ciclo,
    )


def _exigir_abierto(ciclo: ConjuntoIndicadores) -> None:
    """Refuse any change to the set of a cycle in use (a page-level error, field "ciclo")."""
    motivo = motivo_ciclo_cerrado(ciclo)
    if motivo:
        raise ErrorCatalogo("ciclo", motivo)


def agregar_indicador(
    ciclo: ConjuntoIndicadores, datos: dict[str, Any], *, usuario_id: int | None
) -> Indicador:
    """Add an IdG with its ficha técnica to a cycle that has not reported yet."""
    _exigir_abierto(ciclo)
    validar_ficha(ciclo, datos)
    indicador = Indicador(conjunto=ciclo, **datos)
    db.session.add(indicador)
    db.session.flush()
    registrar_evento(
        "agregar_idg",
        "conjunto_indicadores",
        ciclo.id,
        usuario_id=usuario_id,
        despues={"idg": numero_y_nombre(indicador)},
    )
    return indicador


def editar_ficha(
    indicador: Indicador, datos: dict[str, Any], *, usuario_id: int | None
) -> Indicador:
    """Change an IdG's ficha técnica (any of CAMPOS_FICHA, renumbering included).

    Refused once the cycle has Anexos 4: an earlier cycle's set never changes, so its
    reports regenerate identical. The audit records old and new values, readable.
    """
    desconocidos = set(datos) - set(CAMPOS_FICHA)
    if desconocidos:
        raise ValueError(f"Campos ajenos a la ficha: {sorted(desconocidos)}")
    _exigir_abierto(indicador.conjunto)
    # The whole ficha as it would stand is validated, not only the fields sent.
    completa = {campo: getattr(indicador, campo) for campo in CAMPOS_FICHA} | datos
    validar_ficha(indicador.conjunto, completa, excluir_id=indicador.id)
    previos = {campo: _legible(campo, getattr(indicador, campo)) for campo in datos}
    antes, despues = cambios(indicador, datos)
    if despues:
        db.session.flush()
        registrar_evento(
            "editar",
            "indicador",
            indicador.id,
            usuario_id=usuario_id,
            antes={_clave(c): previos[c] for c in antes},
            despues={_clave(c): _legible(c, v) for c, v in despues.items()},
        )
    return indicador


def retirar_indicador(indicador: Indicador, *, motivo: str, usuario_id: int | None) -> None:
    """Take an IdG out of its cycle's set, with a reason; the audit keeps its whole ficha.

    Refused once the cycle has Anexos 4, and while any other record (annual goals, an
    evaluation, a training activity…) refers to the IdG: nothing is deleted in cascade.
    """
    ciclo = indicador.conjunto
    _exigir_abierto(ciclo)
    motivo = (motivo or "").strip()
    if not motivo:
        raise ErrorCatalogo("motivo", _("Indique el motivo del retiro."))
    if _referido(indicador):
        raise ErrorCatalogo(
            "motivo",
            _(
                "%(idg)s ya tiene datos registrados (metas, evaluaciones o actividades): "
                "no se puede retirar.",
                idg=indicador.etiqueta,
            ),
        )
    # The whole ficha (empty fields left out), so the history can tell what was retired.
    ficha = {
        _clave(c): _legible(c, getattr(indicador, c))
        for c in CAMPOS_FICHA
        if c not in ("numero", "nombre") and getattr(indicador, c) is not None
    }
    registrar_evento(
        "retirar_idg",
        "conjunto_indicadores",
        ciclo.id,
        usuario_id=usuario_id,
        antes={"idg": numero_y_nombre(indicador), **ficha},
        motivo=motivo,
    )
    db.session.delete(indicador)
    db.session.flush()
    db.session.expire(ciclo, ["indicadores"])


def _referido(indicador: Indicador) -> bool:
    """Whether a row of any table points at the IdG (read from the schema, so the catalogue
    names none of the modules above it)."""
    columna = Indicador.__table__.c.id
    for tabla in db.metadata.sorted_tables:
        for clave in tabla.foreign_keys:
            if tabla is Indicador.__table__ or clave.column is not columna:
                continue
            consulta = (
                sa.select(sa.literal(1)).select_from(tabla).where(clave.parent == indicador.id)
            )
            if db.session.scalar(consulta.limit(1)) is not None:
                return True
    return False


def _clave(campo: str) -> str:
    """The history's name of a ficha field ("proponente" for proponente_id)."""
    return campo.removesuffix("_id")


def _legible(campo: str, valor: Any) -> Any:
    """A ficha value as the history shows it: acronyms, letters and labels, not ids."""
    if valor is None:
        return "—"
    if campo in ("proponente_id", "viceministerio_id"):
        unidad = db.session.get(UnidadMTPE, valor)
        return unidad.sigla if unidad else valor
    if campo == "objetivo_id":
        objetivo = db.session.get(ObjetivoEstrategico, valor)
        return f"OES {objetivo.numero}" if objetivo else valor
    if campo == "funcion_id":
        funcion = db.session.get(FuncionLOGR, valor)
        return f"{funcion.letra})" if funcion else valor
    if campo == "servicio_id":
        servicio = db.session.get(ServicioPublico, valor)
        return servicio.nombre if servicio else valor
    if isinstance(valor, TipoValor):
        return traducir(ETIQUETAS_TIPO_VALOR[valor])
    if isinstance(valor, Sentido):
        return traducir(ETIQUETAS_SENTIDO[valor])
    if isinstance(valor, bool):
        return _("Sí") if valor else _("No")
    if isinstance(valor, Decimal):
        return format(valor.normalize(), "f")
    return valor


def numero_y_nombre(indicador: Indicador) -> str:
    """E.g. "IdG 3 – Porcentaje de …" (as the history writes an IdG)."""
    return f"{indicador.etiqueta} – {indicador.nombre}"

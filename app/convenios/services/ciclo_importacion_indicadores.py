"""The IdG-set file of a cycle: each row read and checked, then added to its cycle (created,
empty, if absent) or written over the ficha of the IdG with its number, through
catalogo.services, as the IdG forms do."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalogo.models import (
    ConjuntoIndicadores,
    FuncionLOGR,
    Indicador,
    ObjetivoEstrategico,
    Sentido,
    ServicioPublico,
    TipoUnidad,
    TipoValor,
    UnidadMTPE,
)
from app.catalogo.services import (
    ErrorCatalogo,
    agregar_indicador,
    crear_ciclo,
    editar_ficha,
    motivo_ciclo_cerrado,
    numero_y_nombre,
)
from app.convenios.services.ciclo_importacion_filas import (
    ENTERO,
    MAX_TEXTO,
    Cambio,
    Contexto,
    Revisada,
    ciclos_registrados,
    columnas_de,
    filas_con_datos,
    repetida,
    una_de,
)
from app.convenios.services.importacion_filas import ErrorFila
from app.extensions import db

SI_NO = {"si": True, "sí": True, "no": False}

#: The file's column of each ficha field (derived fields: the column they come from).
COLUMNA_FICHA = {
    "ciclo": "ciclo",
    "numero": "numero",
    "nombre": "nombre",
    "proponente_id": "unidad_proponente",
    "viceministerio_id": "unidad_proponente",
    "objetivo_id": "oes",
    "funcion_id": "funcion",
    "servicio_id": "servicio",
    "tipo_valor": "tipo",
    "admite_negativo": "tipo",
    "unidad_medida": "tipo",
    "sentido": "sentido",
    "numerador": "numerador",
    "denominador": "denominador",
    "requiere_evidencia": "requiere_evidencia",
}


def unidad_medida(tipo: TipoValor) -> str:
    """The unit a new IdG is measured in: a count in units, everything else in percent."""
    return "Número" if tipo is TipoValor.conteo else "Porcentaje (%)"


def revisar_indicadores(filas: list[dict[str, str]], errores: list[ErrorFila]) -> list[Revisada]:
    """Read every row of an IdG-set file; the catalogue is looked up once per file."""
    unidades = {u.sigla.upper(): u for u in db.session.scalars(sa.select(UnidadMTPE))}
    objetivos = {str(o.numero): o.id for o in db.session.scalars(sa.select(ObjetivoEstrategico))}
    funciones = {f.letra.lower(): f.id for f in db.session.scalars(sa.select(FuncionLOGR))}
    servicios = {s.codigo.lower(): s.id for s in db.session.scalars(sa.select(ServicioPublico))}
    tipos = {t.value: t for t in TipoValor}
    sentidos = {s.value: s for s in Sentido}
    vistas: dict[tuple, int] = {}
    revisadas = []
    for fila in filas_con_datos(filas, errores):
        ciclo = fila.ciclo()
        # Its range is the ficha's rule (catalogo.services.validar_ficha): here, a number.
        numero = int(fila["numero"]) if ENTERO.fullmatch(fila["numero"]) else None
        if numero is None:
            fila.error(
                "numero",
                _(
                    "El número del IdG debe ser un entero (se leyó «%(valor)s»).",
                    valor=fila["numero"],
                ),
            )
        nombre = fila.texto("nombre", MAX_TEXTO) or ""
        unidad = unidades.get(fila["unidad_proponente"].upper())
        if unidad is None:
            fila.error(
                "unidad_proponente",
                _(
                    "No se reconoce la unidad «%(valor)s»: escriba la sigla de una unidad del "
                    "MTPE registrada en el catálogo.",
                    valor=fila["unidad_proponente"],
                )
                if fila["unidad_proponente"]
                else _("Indique la sigla de la unidad proponente."),
            )
        oes = fila.referencia(
            "oes",
            objetivos,
            _(
                "No existe el objetivo estratégico sectorial (OES) «%(valor)s»: escriba su número.",
                valor=fila["oes"],
            ),
        )
        funcion = fila.referencia(
            "funcion",
            funciones,
            _(
                "No existe la función «%(valor)s» del art. 48: escriba su letra.",
                valor=fila["funcion"],
            ),
        )
        servicio = fila.referencia(
            "servicio",
            servicios,
            _(
                "No existe el servicio público «%(valor)s»: escriba su código del catálogo.",
                valor=fila["servicio"],
            ),
        )
        tipo = fila.opcion("tipo", tipos, una_de(list(tipos)))
        sentido = fila.opcion("sentido", sentidos, una_de(list(sentidos)))
        requiere = fila.opcion("requiere_evidencia", SI_NO, _("si o no"))
        numerador = fila.texto("numerador", MAX_TEXTO)
        denominador = fila.texto("denominador", MAX_TEXTO)
        if (
            ciclo
            and numero is not None
            and repetida(
                fila,
                vistas,
                (ciclo, numero),
                "numero",
                _(
                    "El IdG %(numero)s del ciclo %(ciclo)s",
                    numero=numero,
                    ciclo="-".join(map(str, ciclo)),
                ),
            )
        ):
            continue
        if not fila.valida:
            continue
        vice = unidad.viceministerio_id
        if vice is None and unidad.tipo is TipoUnidad.viceministerio:
            vice = unidad.id
        datos = {
            "numero": numero,
            "nombre": nombre,
            "proponente_id": unidad.id,
            "viceministerio_id": vice,
            "objetivo_id": oes,
            "funcion_id": funcion,
            "servicio_id": servicio,
            "tipo_valor": tipo,
            # A share of a whole or a count is never negative; an increment or variation may be.
            "admite_negativo": tipo in (TipoValor.incremento, TipoValor.variacion),
            "sentido": sentido,
            "numerador": numerador,
            "denominador": denominador,
            "requiere_evidencia": requiere,
        }
        revisadas.append(Revisada(fila.numero, (ciclo, numero), datos))
    return revisadas


def _ciclo_de_indicadores(
    anios: tuple[int, int], fila: int, errores: list[ErrorFila], contexto: Contexto
) -> ConjuntoIndicadores | None:
    """The cycle an IdG-set file writes to: created (empty) if absent, refused once in use."""
    ciclo = ciclos_registrados().get(anios)
    if ciclo is None:
        try:
            ciclo = crear_ciclo(*anios, usuario_id=contexto.usuario_id)
        except ErrorCatalogo as error:
            errores.append(ErrorFila(fila, "ciclo", error.mensaje))
            return None
        contexto.cambios.append(
            Cambio(
                fila,
                "crear",
                _("Ciclo %(ciclo)s (%(nombre)s)", ciclo=ciclo.ciclo, nombre=ciclo.nombre),
            )
        )
    elif motivo := motivo_ciclo_cerrado(ciclo):
        # Said once for the file, not once per row as each service call would.
        errores.append(ErrorFila(fila, "ciclo", motivo))
        return None
    return ciclo


def aplicar_indicadores(
    revisadas: list[Revisada], errores: list[ErrorFila], contexto: Contexto
) -> None:
    """Add each IdG to its cycle, or update the ficha of the IdG with its number."""
    ciclos: dict[tuple[int, int], ConjuntoIndicadores | None] = {}
    for fila in revisadas:
        anios, numero = fila.clave
        if anios not in ciclos:
            ciclos[anios] = _ciclo_de_indicadores(anios, fila.fila, errores, contexto)
        ciclo = ciclos[anios]
        if ciclo is None:
            continue
        datos = dict(fila.datos)
        existente = db.session.scalar(
            sa.select(Indicador).filter_by(conjunto_id=ciclo.id, numero=numero)
        )
        # A stored IdG keeps its unit of measure unless its kind changes.
        if existente is None or existente.tipo_valor is not datos["tipo_valor"]:
            datos["unidad_medida"] = unidad_medida(datos["tipo_valor"])
        distintos = [c for c, v in datos.items() if existente and getattr(existente, c) != v]
        try:
            if existente is None:
                nuevo = agregar_indicador(ciclo, datos, usuario_id=contexto.usuario_id)
            else:
                editar_ficha(existente, datos, usuario_id=contexto.usuario_id)
        except ErrorCatalogo as error:
            errores.append(ErrorFila(fila.fila, COLUMNA_FICHA.get(error.campo, ""), error.mensaje))
            continue
        if existente is None:
            contexto.cambios.append(Cambio(fila.fila, "crear", numero_y_nombre(nuevo)))
            continue
        contexto.cambios.append(
            Cambio(
                fila.fila,
                "actualizar" if distintos else "sin_cambios",
                numero_y_nombre(existente),
                columnas_de(COLUMNA_FICHA, distintos),
            )
        )

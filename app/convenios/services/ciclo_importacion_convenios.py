"""The convenios file of a cycle: each row read and checked, then registered, or written over
the region's convenio of that cycle, through services.convenios, as the convenio form does."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalogo import queries as catalogo_queries
from app.convenios.models import Convenio, EstadoConvenio
from app.convenios.services.ciclo_importacion_filas import (
    MAX_DOCUMENTO,
    Cambio,
    Contexto,
    Revisada,
    ciclos_registrados,
    columnas_de,
    filas_con_datos,
    repetida,
)
from app.convenios.services.convenios import ErrorConvenio, crear_convenio, editar_convenio
from app.convenios.services.importacion_filas import ErrorFila
from app.extensions import db

ESTADOS = {"suscrito": EstadoConvenio.suscrito, "pendiente": EstadoConvenio.pendiente}

COLUMNA_CONVENIO = {
    "region_id": "region",
    "conjunto_id": "ciclo",
    "estado": "estado",
    "fecha_suscripcion": "fecha_suscripcion",
    "documento": "documento",
}


def revisar_convenios(filas: list[dict[str, str]], errores: list[ErrorFila]) -> list[Revisada]:
    """Read every row of a convenios file: region, existing cycle, date, state, document."""
    ciclos = ciclos_registrados()
    regiones: dict[str, Any] = {}
    vistas: dict[tuple, int] = {}
    revisadas = []
    for fila in filas_con_datos(filas, errores):
        if fila["region"] not in regiones:
            regiones[fila["region"]] = catalogo_queries.region_por_nombre(fila["region"])
        region = regiones[fila["region"]]
        if region is None:
            fila.error(
                "region",
                _(
                    "No se reconoce la región «%(valor)s» (nombre, código o alias del catálogo).",
                    valor=fila["region"],
                )
                if fila["region"]
                else _("Indique la región."),
            )
        anios = fila.ciclo()
        ciclo = ciclos.get(anios) if anios else None
        if anios and ciclo is None:
            fila.error(
                "ciclo",
                _(
                    "No existe el ciclo %(ciclo)s: cárguelo antes con el archivo de indicadores.",
                    ciclo=fila["ciclo"],
                ),
            )
        fecha = fila.fecha("fecha_suscripcion")
        estado = fila.opcion("estado", ESTADOS, _("suscrito o pendiente"))
        documento = fila.texto("documento", MAX_DOCUMENTO)
        if (
            region
            and ciclo
            and repetida(
                fila,
                vistas,
                (region.id, anios),
                "region",
                _(
                    "El convenio de %(region)s del ciclo %(ciclo)s",
                    region=region.nombre,
                    ciclo=ciclo.ciclo,
                ),
            )
        ):
            continue
        if not fila.valida:
            continue
        datos = {
            "region_id": region.id,
            "conjunto_id": ciclo.id,
            "estado": estado,
            "fecha_suscripcion": fecha,
            "documento": documento,
        }
        texto = _("Convenio de %(region)s %(ciclo)s", region=region.nombre, ciclo=ciclo.ciclo)
        revisadas.append(Revisada(fila.numero, (region.id, anios), datos, texto))
    return revisadas


def aplicar_convenios(
    revisadas: list[Revisada], errores: list[ErrorFila], contexto: Contexto
) -> None:
    """Register each convenio, or update the region's convenio of that cycle."""
    for fila in revisadas:
        region_id, (inicio, fin) = fila.clave
        datos = dict(fila.datos)
        existente = db.session.scalar(
            sa.select(Convenio).filter_by(region_id=region_id, anio_inicio=inicio, anio_fin=fin)
        )
        distintos = [c for c, v in datos.items() if existente and getattr(existente, c) != v]
        try:
            if existente is None:
                crear_convenio(datos, usuario_id=contexto.usuario_id, hoy=contexto.hoy)
            else:
                editar_convenio(
                    existente,
                    datos,
                    usuario_id=contexto.usuario_id,
                    hoy=contexto.hoy,
                    motivo=contexto.motivo if distintos else None,
                )
        except ErrorConvenio as error:
            errores.append(
                ErrorFila(fila.fila, COLUMNA_CONVENIO.get(error.campo, ""), error.mensaje)
            )
            continue
        accion = "crear" if existente is None else ("actualizar" if distintos else "sin_cambios")
        contexto.cambios.append(
            Cambio(fila.fila, accion, fila.texto, columnas_de(COLUMNA_CONVENIO, distintos))
        )

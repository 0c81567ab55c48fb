"""The semesters file: each row read and checked, then opened as a new semester or its due
dates changed, through services.periodos, as the semester form does."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.convenios.models import Periodo, nombre_semestre
from app.convenios.queries.periodos import SEMESTRES
from app.convenios.services.ciclo_importacion_filas import (
    Cambio,
    Contexto,
    Revisada,
    columnas_de,
    filas_con_datos,
    repetida,
)
from app.convenios.services.importacion_filas import ErrorFila
from app.convenios.services.periodos import ErrorPeriodo, crear_periodo, editar_periodo
from app.extensions import db

COLUMNA_PERIODO = {
    "semestre": "semestre",
    "fecha_limite_anexo4": "vence_anexo4",
    # The stored close of the Anexo 4 can't precede the new due date written in the file.
    "fecha_cierre_anexo4": "vence_anexo4",
    "fecha_limite_anexo5": "vence_anexo5",
}


def revisar_periodos(filas: list[dict[str, str]], errores: list[ErrorFila]) -> list[Revisada]:
    """Read every row of a semesters file: year, semester and the two due dates."""
    vistas: dict[tuple, int] = {}
    revisadas = []
    for fila in filas_con_datos(filas, errores):
        # The years the semester form accepts.
        anio = fila.entero("anio", 2000, 2100)
        semestre = fila.opcion("semestre", SEMESTRES, _("1 o 2 (también I o II)"))
        fechas = {
            "fecha_limite_anexo4": fila.fecha("vence_anexo4"),
            "fecha_limite_anexo5": fila.fecha("vence_anexo5"),
        }
        if (
            anio
            and semestre
            and repetida(
                fila, vistas, (anio, semestre), "semestre", nombre_semestre(anio, semestre)
            )
        ):
            continue
        if fila.valida:
            texto = nombre_semestre(anio, semestre)
            revisadas.append(Revisada(fila.numero, (anio, semestre), fechas, texto))
    return revisadas


def aplicar_periodos(
    revisadas: list[Revisada], errores: list[ErrorFila], contexto: Contexto
) -> None:
    """Open each new semester (as the form does: open) or change its two due dates."""
    for fila in revisadas:
        anio, semestre = fila.clave
        existente = db.session.scalar(sa.select(Periodo).filter_by(anio=anio, semestre=semestre))
        datos = dict(fila.datos)
        distintos = [c for c, v in datos.items() if existente and getattr(existente, c) != v]
        try:
            if existente is None:
                crear_periodo(
                    {"anio": anio, "semestre": semestre, **datos, "abierto": True},
                    usuario_id=contexto.usuario_id,
                    motivo=contexto.motivo,
                )
            else:
                # The stored close goes along, so the rule "close not before the due date" holds.
                datos["fecha_cierre_anexo4"] = existente.fecha_cierre_anexo4
                editar_periodo(
                    existente,
                    datos,
                    usuario_id=contexto.usuario_id,
                    # The import's reason goes with the rows it changes (an unchanged row
                    # records nothing).
                    motivo=contexto.motivo if distintos else None,
                )
        except ErrorPeriodo as error:
            errores.append(
                ErrorFila(fila.fila, COLUMNA_PERIODO.get(error.campo, ""), error.mensaje)
            )
            continue
        accion = "crear" if existente is None else ("actualizar" if distintos else "sin_cambios")
        contexto.cambios.append(
            Cambio(fila.fila, accion, fila.texto, columnas_de(COLUMNA_PERIODO, distintos))
        )

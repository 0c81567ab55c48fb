"""Reporting semesters: ODES opens them, sets their due dates and closes them; audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalogo.models import Region
from app.comun.auditoria import cambios, registrar_evento
from app.comun.errores import ErrorNegocio
from app.convenios.models import Periodo, Prorroga
from app.convenios.services import avisos
from app.extensions import db


class ErrorPeriodo(ErrorNegocio):
    """A semester's data was refused; the message is shown next to its field."""


def fecha_texto(valor: date | None) -> str:
    """A due date as the pages write it, e.g. "31/01/2021" ("" when there is none)."""
    return valor.strftime("%d/%m/%Y") if valor else ""


def validar_periodo(datos: dict[str, Any], excluir_id: int | None = None) -> None:
    """Check a period's year, semester and due dates."""
    anio, semestre = datos["anio"], datos["semestre"]
    if semestre not in (1, 2):
        raise ErrorPeriodo(_("El semestre debe ser I o II."), "semestre")
    fin_semestre = date(anio, 6, 30) if semestre == 1 else date(anio, 12, 31)
    for campo in ("fecha_limite_anexo4", "fecha_cierre_anexo4", "fecha_limite_anexo5"):
        if datos.get(campo) and datos[campo] <= fin_semestre:
            raise ErrorPeriodo(
                _(
                    "La fecha debe ser posterior al cierre del semestre (%(fecha)s).",
                    fecha=fecha_texto(fin_semestre),
                ),
                campo,
            )
    limite, cierre = datos.get("fecha_limite_anexo4"), datos.get("fecha_cierre_anexo4")
    if limite and cierre and cierre < limite:
        raise ErrorPeriodo(
            _("El cierre no puede ser anterior a la fecha límite del Anexo 4."),
            "fecha_cierre_anexo4",
        )
    repetido = sa.select(Periodo.id).filter_by(anio=anio, semestre=semestre)
    if excluir_id:
        repetido = repetido.where(Periodo.id != excluir_id)
    if db.session.scalar(repetido):
        raise ErrorPeriodo(_("Ese semestre ya está registrado."), "semestre")


def crear_periodo(
    datos: dict[str, Any], *, usuario_id: int | None, motivo: str | None = None
) -> Periodo:
    """Open a new reporting semester (the bulk import creates past ones closed)."""
    validar_periodo(datos)
    periodo = Periodo(**datos)
    db.session.add(periodo)
    db.session.flush()
    registrar_evento(
        "crear", "periodo", periodo.id, usuario_id=usuario_id, despues=datos, motivo=motivo
    )
    return periodo


def editar_periodo(
    periodo: Periodo, datos: dict[str, Any], *, usuario_id: int | None, motivo: str | None = None
) -> Periodo:
    """Change a period's due dates or open/closed state; a reason with nothing changed is refused
    (it is stored with the change's audit event, and would be lost)."""
    validar_periodo({"anio": periodo.anio, "semestre": periodo.semestre, **datos}, periodo.id)
    antes, despues = cambios(periodo, datos)
    if motivo and not despues:
        raise ErrorPeriodo(
            _("No cambió ninguna fecha ni el estado: el motivo se guarda con un cambio."), "motivo"
        )
    if despues:
        registrar_evento(
            "editar",
            "periodo",
            periodo.id,
            usuario_id=usuario_id,
            antes=antes,
            despues=despues,
            motivo=motivo,
        )
    return periodo


def conceder_prorroga(
    periodo: Periodo,
    region_id: int,
    fecha_limite: date | None,
    motivo: str | None,
    *,
    usuario_id: int | None,
) -> Prorroga:
    """Extend one region's Anexo 4 deadline of a semester (or change its extension), with a
    reason; audited. Its report is then on time up to that date."""
    motivo = " ".join((motivo or "").split())
    if len(motivo) < 5:
        raise ErrorPeriodo(_("Indique el motivo de la prórroga."), "motivo")
    if fecha_limite is None:
        raise ErrorPeriodo(_("Indique la nueva fecha límite."), "fecha_limite")
    base = periodo.fecha_limite_anexo4
    if base is None:
        raise ErrorPeriodo(
            _("El semestre no tiene fecha límite del Anexo 4: no hay plazo que prorrogar."),
            "fecha_limite",
        )
    if fecha_limite <= base:
        raise ErrorPeriodo(
            _(
                "La prórroga debe vencer después de la fecha límite del semestre (%(fecha)s).",
                fecha=fecha_texto(base),
            ),
            "fecha_limite",
        )
    if db.session.get(Region, region_id) is None:
        raise ErrorPeriodo(_("Elija la región."), "region_id")
    prorroga = db.session.scalar(
        sa.select(Prorroga).filter_by(periodo_id=periodo.id, region_id=region_id)
    )
    antes = {"fecha_limite": prorroga.fecha_limite} if prorroga else None
    if prorroga is None:
        prorroga = Prorroga(periodo_id=periodo.id, region_id=region_id)
        db.session.add(prorroga)
    prorroga.fecha_limite = fecha_limite
    prorroga.motivo = motivo
    prorroga.concedida_por_id = usuario_id
    db.session.flush()
    registrar_evento(
        "conceder_prorroga",
        "periodo",
        periodo.id,
        usuario_id=usuario_id,
        antes=antes,
        despues={"region_id": region_id, "fecha_limite": fecha_limite},
        motivo=motivo,
    )
    avisos.prorroga_otorgada(prorroga, periodo, usuario_id=usuario_id)
    return prorroga

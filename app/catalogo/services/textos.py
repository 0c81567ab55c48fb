"""Writes on the official texts of the entries an IdG is aligned to (an art. 48 LOGR function,
a strategic objective, a public service): corrected, audited, while no cycle in use shows them.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.catalogo import queries
from app.catalogo.models import ConjuntoIndicadores, Indicador
from app.catalogo.services.comun import ErrorCatalogo
from app.comun.auditoria import cambios, registrar_evento
from app.extensions import db

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

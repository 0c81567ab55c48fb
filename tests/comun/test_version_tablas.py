"""Writes that no page shows keep the data version (issue 18): stored pages survive e-mail.

A transaction that wrote only tables declared `sin_paginas` (the e-mail outbox, a user's
e-mail preferences, stored file bytes) leaves the version as it was; any other table, a mix,
or textual SQL whose tables are unknown renews it.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.comun import version_datos
from app.comun.roles import Rol
from app.extensions import db
from app.notificaciones.models import (
    EnvioCorreo,
    EstadoEnvio,
    Notificacion,
    PreferenciaNotificacion,
    TipoNotificacion,
)
from tests.conftest import usuario_demo


def _notificacion() -> Notificacion:
    usuario = usuario_demo(Rol.odes)
    notificacion = Notificacion(
        usuario_id=usuario.id,
        tipo=TipoNotificacion.anexo4_enviado,
        titulo="Anexo 4 enviado",
        texto="Loreto envió su Anexo 4.",
        url="/convenios/anexo4",
    )
    db.session.add(notificacion)
    db.session.commit()
    return notificacion


def test_sending_an_email_keeps_the_version_and_a_notification_renews_it():
    """Outbox state changes (a worker sending mail) keep it; the badge's rows renew it."""
    antes = version_datos.actual()
    notificacion = _notificacion()
    con_notificacion = version_datos.actual()
    assert con_notificacion != antes  # the header's unread badge counts these rows

    envio = EnvioCorreo(
        notificacion_id=notificacion.id, destinatario="odes@demo.trabajo.gob.pe", asunto="x"
    )
    db.session.add(envio)
    db.session.commit()
    envio.estado, envio.intentos = EstadoEnvio.enviado, 1
    db.session.commit()
    db.session.execute(sa.update(EnvioCorreo).values(intentos=2))
    db.session.commit()
    db.session.add(
        PreferenciaNotificacion(
            usuario_id=notificacion.usuario_id, tipo=TipoNotificacion.anexo4_enviado, correo=False
        )
    )
    db.session.commit()
    assert version_datos.actual() == con_notificacion

    envio.intentos = 3
    notificacion.leida_en = None
    notificacion.titulo = "Anexo 4 enviado (leído)"
    db.session.commit()  # a mix: one table that pages show
    despues_mezcla = version_datos.actual()
    assert despues_mezcla != con_notificacion

    db.session.execute(sa.text("UPDATE envio_correo SET intentos = 4"))
    db.session.commit()  # textual SQL: its tables are not known, so it renews
    assert version_datos.actual() != despues_mezcla

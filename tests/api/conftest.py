"""Tokens of each demo role for the API tests."""

from __future__ import annotations

import pytest

from app.auth import services
from app.comun.roles import Rol
from app.extensions import db
from tests.conftest import usuario_demo


def token_de(rol: Rol | str, *, solo_lectura: bool = False, email: str | None = None) -> str:
    """A fresh token of a demo account (committed), as its text."""
    usuario = usuario_demo(rol, email)
    _token, texto = services.crear_token(
        usuario, nombre="pruebas", solo_lectura=solo_lectura, dias=30, creado_por=usuario
    )
    db.session.commit()
    return texto


class ClienteApi:
    """The test client with a token in every request."""

    def __init__(self, client, texto: str):
        self.client, self.texto = client, texto

    def _cabeceras(self, extra: dict | None) -> dict:
        return {"Authorization": f"Bearer {self.texto}", **(extra or {})}

    def get(self, url, **kw):
        return self.client.get(url, headers=self._cabeceras(kw.pop("headers", None)), **kw)

    def post(self, url, **kw):
        return self.client.post(url, headers=self._cabeceras(kw.pop("headers", None)), **kw)

    def put(self, url, **kw):
        return self.client.put(url, headers=self._cabeceras(kw.pop("headers", None)), **kw)


@pytest.fixture
def api_de(client):
    """api_de(rol, solo_lectura=False) → a client that sends that role's token."""
    return lambda rol, **kw: ClienteApi(client, token_de(rol, **kw))


@pytest.fixture
def mejora(demo):
    """The demo's Anexo 5 of II-2020 and its capacity programme, as `flask seed demo` loads."""
    from seed.comandos import _cargar_mejora_continua

    _cargar_mejora_continua()
    db.session.commit()
    return demo

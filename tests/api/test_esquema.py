"""Schemathesis against the live OpenAPI document (issue 20): every operation, with a token of
each role, valid and invalid data: no server error, every answer as the document says, and no
invalid write accepted."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from app.comun.roles import Rol
from tests.api.conftest import token_de

#: Examples per operation, role and mode (the whole walk stays within a minute or two).
EJEMPLOS = 12
COMPROBACIONES = {
    GenerationMode.POSITIVE: [
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    ],
    GenerationMode.NEGATIVE: [
        not_a_server_error,
        response_schema_conformance,
        negative_data_rejection,
    ],
}


@pytest.mark.parametrize("modo", list(COMPROBACIONES), ids=lambda m: m.value)
def test_every_operation_with_every_role(app, mejora, modo):
    """Each operation × role: the generated requests meet every check, or the test says which."""
    esquema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tokens = {rol: token_de(rol) for rol in Rol}
    operaciones = [resultado.ok() for resultado in esquema.get_all_operations()]
    assert len(operaciones) >= 20, "el documento describe menos operaciones de las esperadas"
    if modo is GenerationMode.NEGATIVE:
        # Invalid data where the API writes: every body (unknown query parameters are
        # ignored by design, as by the web pages, so they are not mutated).
        operaciones = [o for o in operaciones if o.body]
        assert operaciones, "el documento no describe ninguna escritura"
    fallos = []
    for operacion in operaciones:
        for rol, texto in tokens.items():
            cabeceras = {"Authorization": f"Bearer {texto}"}
            fijos = {"query": {}} if modo is GenerationMode.NEGATIVE else {}

            @settings(
                max_examples=EJEMPLOS,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            @given(caso=operacion.as_strategy(generation_mode=modo, **fijos))
            def probar(caso):
                # Called at once, in this iteration: the loop's value is the one meant.
                respuesta = caso.call(headers=cabeceras)  # noqa: B023
                caso.validate_response(respuesta, checks=COMPROBACIONES[modo])

            try:
                probar()
            except Exception as error:  # noqa: BLE001 (collect every failing operation)
                fallos.append(f"{operacion.label} [{rol.value}]: {str(error)[:600]}")
    assert not fallos, "\n\n".join(fallos)

"""Application factory and configuration classes."""

import pytest

from app import create_app
from config import DevelopmentConfig, ProductionConfig, TestingConfig


def test_testing_config(app):
    assert app.config["TESTING"] is True
    assert app.config["WTF_CSRF_ENABLED"] is False


def test_development_uses_sqlite_in_instance(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app(DevelopmentConfig)
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.debug


@pytest.mark.parametrize("falta", ["SECRET_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_required_keys(monkeypatch, falta):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv(falta)
    with pytest.raises(RuntimeError, match=falta):
        create_app(ProductionConfig)


def test_production_starts_with_required_keys(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.debug


def test_unknown_page_is_a_spanish_404(client):
    respuesta = client.get("/no-existe")
    assert respuesta.status_code == 404
    assert "Página no encontrada" in respuesta.text


def test_testing_config_class_is_used(app):
    assert isinstance(app.config["SQLALCHEMY_DATABASE_URI"], str)
    assert TestingConfig.TESTING


def test_a_worker_does_not_load_matplotlib_for_the_report_fonts():
    """Only matplotlib's DejaVu files are used (PDF and PNG charts): importing the package with
    its dependencies added about 13 MiB to every web and queue process."""
    import subprocess
    import sys

    codigo = (
        "import sys\n"
        "from app import create_app\n"
        "from config import TestingConfig\n"
        "create_app(TestingConfig)\n"
        "from app.informes.graficos import png\n"
        "png._fuente(False, 12)\n"
        "print('matplotlib' in sys.modules)\n"
    )
    salida = subprocess.run(
        [sys.executable, "-c", codigo], capture_output=True, text=True, check=True
    )
    assert salida.stdout.split()[-1] == "False"

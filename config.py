"""Configuration classes, selected by create_app(config_class)."""

import os
from datetime import timedelta


class Config:
    """Defaults shared by every environment; values come from the environment where set."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "solo-para-desarrollo")
    # A relative SQLite path is resolved by Flask-SQLAlchemy inside the instance/ folder.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or "sqlite:///convenios.db"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "es_PE"
    BABEL_DEFAULT_TIMEZONE = "America/Lima"
    # es_PE formats dates dd/mm/aaaa and numbers with a decimal point.
    FORMATO_LOCALE = "es_PE"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    ITEMS_POR_PAGINA = 25
    # REST API (docs/api.md): calls per token (Flask-Limiter syntax; shared through Redis
    # when REDIS_URL is set, so every worker and host counts together).
    API_LIMITE = os.environ.get("API_LIMITE") or "300 per minute"
    # …and per client address over all tokens (made-up tokens are each a bucket of their own).
    API_LIMITE_DIRECCION = os.environ.get("API_LIMITE_DIRECCION") or "1200 per minute"
    # Evidence files and generated reports, outside static/; None = instance/archivos.
    ARCHIVOS_DIR = os.environ.get("ARCHIVOS_DIR")
    # Rendered read pages (app/comun/cache_paginas.py), in each worker's memory: at most
    # CACHE_THRESHOLD pages of at most CACHE_PAGINA_MAX_BYTES each, kept 10 minutes.
    # CACHE_TYPE=NullCache turns the store off (the benchmarks measure pages without it).
    CACHE_TYPE = os.environ.get("CACHE_TYPE") or "SimpleCache"
    CACHE_THRESHOLD = 200
    CACHE_DEFAULT_TIMEOUT = 600
    CACHE_PAGINA_MAX_BYTES = 512 * 1024
    # Redis (e.g. redis://localhost:6379/0): where the login attempts per address are counted,
    # shared by every worker and host. Empty: each process counts in its own memory.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    # Failed logins allowed per client address across accounts (Flask-Limiter's notation).
    LIMITE_LOGIN = "10 per minute; 50 per hour"
    RATELIMIT_KEY_PREFIX = "convenios"
    # If Redis can't be reached, count in memory meanwhile, never refuse logins for it.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Background jobs (app/comun/tareas.py): "redis" (RQ queues on REDIS_URL, run by
    # `flask cola trabajador`), "hilo" (a thread of the web process) or "sincrono" (at once, in
    # the caller). Empty: "redis" when REDIS_URL is set, else "hilo".
    TAREAS_MODO = os.environ.get("TAREAS_MODO", "")
    # Prefix of the queue names and keys in Redis (several deployments may share one server).
    COLA_PREFIJO = os.environ.get("COLA_PREFIJO", "convenios")
    # Seconds between the attempts of a job that is retried (an e-mail the server refused).
    TAREAS_ESPERAS_REINTENTO = [
        int(x) for x in os.environ.get("TAREAS_ESPERAS_REINTENTO", "10,60,300,900,3600").split(",")
    ]
    # Periodic jobs started by `flask cola planificador`: (function, cron in UTC).
    TAREAS_PERIODICAS = [
        # Reminders of deadlines and the weekly digest (idempotent: each arrives once).
        ("app.notificaciones.services.recordatorios.enviar_recordatorios", "5 * * * *"),
        # E-mails still pending after the queue's own retries (SMTP was down): one more try.
        ("app.notificaciones.services.correo.reenviar_pendientes", "35 * * * *"),
    ]
    # An Anexo 4 bulk file larger than this is imported by a queue job, not in the request.
    IMPORTACION_BYTES_EN_COLA = int(os.environ.get("IMPORTACION_BYTES_EN_COLA") or 512 * 1024)
    # Where uploaded and generated files are kept: "disco" (ARCHIVOS_DIR, one host) or "bd"
    # (the database, seen by every app server that shares it).
    ALMACENAMIENTO = os.environ.get("ALMACENAMIENTO", "disco")
    # E-mail (Flask-Mailman). Without MAIL_SERVER messages are printed on the console.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_USE_SSL = os.environ.get("MAIL_USE_SSL", "") == "1"
    MAIL_TIMEOUT = 20
    MAIL_DEFAULT_SENDER = os.environ.get(
        "MAIL_DEFAULT_SENDER", "Convenios de Gestión <no-responder@trabajo.gob.pe>"
    )
    # "smtp" when MAIL_SERVER is set, else "console" (printed); MAIL_BACKEND=file writes each
    # message under MAIL_FILE_PATH instead.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND") or (
        "smtp" if os.environ.get("MAIL_SERVER") else "console"
    )
    MAIL_FILE_PATH = os.environ.get("MAIL_FILE_PATH") or None
    # Address of the app as users reach it: the links in e-mails start with it.
    URL_PUBLICA = os.environ.get("URL_PUBLICA", "http://127.0.0.1:5000")
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (werkzeug
    # ProxyFix); 0 = none, the client's address is the connection's.
    PROXY_SALTOS = int(os.environ.get("PROXY_SALTOS") or 0)


class DevelopmentConfig(Config):
    """Local development: SQLite under instance/ and debug pages."""

    DEBUG = True


class TestingConfig(Config):
    """The test suite: TEST_DATABASE_URL (e.g. PostgreSQL) or an in-memory SQLite database."""

    TESTING = True
    SECRET_KEY = "pruebas"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = False
    # Cheap hashing keeps the suite fast; production uses the scrypt default.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SERVER_NAME = "localhost"
    # Every test client comes from 127.0.0.1; the limiter's own tests turn it on.
    RATELIMIT_ENABLED = False
    # Jobs run at once in the caller; the queue's own tests start Redis workers.
    TAREAS_MODO = "sincrono"
    REDIS_URL = ""
    ALMACENAMIENTO = "disco"
    # E-mails are kept in memory (flask_mailman outbox), never sent.
    MAIL_BACKEND = "locmem"
    URL_PUBLICA = "http://localhost"


class ProductionConfig(Config):
    """Production: refuses to start unless the secrets and the database are given."""

    REQUIRED_KEYS = ("SECRET_KEY", "DATABASE_URL")
    SESSION_COOKIE_SECURE = True

    @classmethod
    def validar(cls) -> None:
        """Raise RuntimeError if a required environment variable is missing."""
        faltan = [k for k in cls.REQUIRED_KEYS if not os.environ.get(k)]
        if faltan:
            raise RuntimeError(
                "ProductionConfig requiere las variables de entorno: " + ", ".join(faltan)
            )
        # Read at start-up, not at import, so the process environment is what counts.
        cls.SECRET_KEY = os.environ["SECRET_KEY"]
        cls.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
        cls.REDIS_URL = os.environ.get("REDIS_URL", "")
        cls.TAREAS_MODO = os.environ.get("TAREAS_MODO", "")
        cls.ALMACENAMIENTO = os.environ.get("ALMACENAMIENTO", "disco")
        cls.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        cls.MAIL_BACKEND = os.environ.get("MAIL_BACKEND") or (
            "smtp" if cls.MAIL_SERVER else "console"
        )
        cls.URL_PUBLICA = os.environ.get("URL_PUBLICA", cls.URL_PUBLICA)
        cls.PROXY_SALTOS = int(os.environ.get("PROXY_SALTOS") or 0)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

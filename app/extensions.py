"""Flask extensions, created without an app and bound in create_app()."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model; the naming convention lets migrations alter constraints by name."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
#: Rendered pages (app/comun/cache_paginas.py); the backend comes from the CACHE_* settings.
cache = Cache()
#: Attempts per client address (the login form); counts live in RATELIMIT_STORAGE_URI, which
#: create_app takes from REDIS_URL (shared by every worker and host) or keeps in memory.
limiter = Limiter(key_func=get_remote_address)
#: E-mail (Flask-Mailman): MAIL_BACKEND "smtp" (MAIL_SERVER…), "console" (make run) or "locmem"
#: (tests); messages are sent by queue jobs (app/notificaciones/services/correo.py).
mail = Mail()


@limiter.request_filter
def _limites_apagados() -> bool:
    """Each app's own RATELIMIT_ENABLED decides (the limiter object is shared by every app of
    the process: the test suite makes several, with and without limits)."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)

"""Application factory."""

from __future__ import annotations

import os

from flask import Flask

from config import CONFIGS, Config, ProductionConfig


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Create the app: load config, bind extensions, register blueprints and commands."""
    if config_class is None:
        config_class = CONFIGS[os.environ.get("APP_ENV", "development")]
    if issubclass(config_class, ProductionConfig):
        config_class.validar()

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_class)
    os.makedirs(app.instance_path, exist_ok=True)

    from app.extensions import babel, cache, csrf, db, limiter, login_manager, mail, migrate

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    babel.init_app(app)
    login_manager.init_app(app)
    mail.init_app(app)
    if app.config.get("REDIS_URL") and app.config.get("CACHE_TYPE") == "SimpleCache":
        # Pages stored once for every worker and host (keyed by the data version anyway).
        app.config["CACHE_TYPE"] = "RedisCache"
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
        app.config.setdefault("CACHE_KEY_PREFIX", f"{app.config.get('COLA_PREFIJO')}:pagina:")
    cache.init_app(app)
    # Redis when REDIS_URL is set: every worker and host shares the counts.
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    limiter.init_app(app)

    from app import web

    web.configurar(app)

    from app.auth import bp as auth_bp
    from app.catalogo import bp as catalogo_bp
    from app.convenios import bp as convenios_bp
    from app.informes import bp as informes_bp
    from app.informes import publicaciones_bp
    from app.main import bp as main_bp
    from app.mejora_continua import bp as mejora_bp
    from app.notificaciones import bp as notificaciones_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(catalogo_bp)
    app.register_blueprint(convenios_bp)
    app.register_blueprint(mejora_bp)
    app.register_blueprint(informes_bp)
    app.register_blueprint(publicaciones_bp)
    app.register_blueprint(notificaciones_bp)

    from app import api

    api.iniciar(app)

    from app.auth.cli import usuarios_cli
    from app.catalogo.cli import catalogo_cli
    from app.comun.almacenamiento.cli import archivos_cli
    from app.comun.cache_paginas import paginas_cli
    from app.comun.respaldo import respaldo_cli
    from app.comun.tareas_cli import cola_cli
    from app.convenios.cli import anexo4_cli, ciclo_cli
    from app.notificaciones.cli import notificaciones_cli
    from seed.comandos import seed_cli

    app.cli.add_command(seed_cli)
    app.cli.add_command(usuarios_cli)
    app.cli.add_command(catalogo_cli)
    app.cli.add_command(respaldo_cli)
    app.cli.add_command(anexo4_cli)
    app.cli.add_command(ciclo_cli)
    app.cli.add_command(paginas_cli)
    app.cli.add_command(cola_cli)
    app.cli.add_command(archivos_cli)
    app.cli.add_command(notificaciones_cli)

    from app.informes.cli import informe_cli

    app.cli.add_command(informe_cli)
    return app

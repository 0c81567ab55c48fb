# The README contract: `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install run test test-sqlite test-postgres lint migrate-check traducciones bench carga capturas-guia axe-core swagger-ui clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the pinned requirements change.
$(VENV)/.instalado: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.instalado

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed demo
	@echo ""
	@echo "Aplicación en http://$(HOST):$(PORT)/  (Ctrl+C para detener)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# The whole suite; TEST_DATABASE_URL picks the database (default: in-memory SQLite).
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-sqlite: install
	TEST_DATABASE_URL= $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install
	TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check app config.py seed tests bench

migrate-check: install
	$(BIN)/flask db check

# Extracts the UI strings marked with _()/_l()/ngettext into the template catalogue (a build
# output: the source strings are Spanish and es_PE is the default locale, so no catalogue is
# needed at run time). A translation would be `pybabel init -l LOCALE`, then `update`/`compile`.
traducciones: install
	mkdir -p app/translations
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o app/translations/messages.pot app

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Performance figures of issue 7 on two datasets (PostgreSQL if it answers, else SQLite);
# prints them and writes docs/performance.md.
bench: install
	$(BIN)/python -m bench

# Bounded load test (gunicorn + local PostgreSQL); writes its figures to docs/operations.md.
carga: install
	$(BIN)/python bench/carga.py --usuarios 50 --lectores 10 --salida docs/operations.md

# The user guide's screenshots (docs/guia/*.jpg): the browser journeys write them as they run.
capturas-guia: install
	GUIA_CAPTURAS=docs/guia EXIGIR_NAVEGADOR=1 $(BIN)/python -m pytest tests/navegador -q -p no:randomly

# The accessibility engine of the browser journeys, vendored from the npm registry (no CDN):
# `make axe-core AXE_VERSION=4.x.y` replaces tests/navegador/vendor/axe.min.js.
AXE_VERSION ?= 4.14.1
axe-core:
	rm -rf .axe-tmp && mkdir .axe-tmp
	cd .axe-tmp && npm pack --silent axe-core@$(AXE_VERSION) && tar xzf axe-core-$(AXE_VERSION).tgz
	cp .axe-tmp/package/axe.min.js tests/navegador/vendor/axe.min.js
	cp .axe-tmp/package/LICENSE tests/navegador/vendor/axe-core.LICENSE
	rm -rf .axe-tmp

# The API documentation page's Swagger UI, vendored from the npm registry (no CDN):
# `make swagger-ui SWAGGER_UI_VERSION=5.x.y` replaces app/static/vendor/swagger-ui/.
SWAGGER_UI_VERSION ?= 5.36.0
swagger-ui:
	rm -rf .swagger-tmp && mkdir .swagger-tmp
	cd .swagger-tmp && npm pack --silent swagger-ui-dist@$(SWAGGER_UI_VERSION) && tar xzf swagger-ui-dist-$(SWAGGER_UI_VERSION).tgz
	cp .swagger-tmp/package/swagger-ui-bundle.js .swagger-tmp/package/swagger-ui.css .swagger-tmp/package/LICENSE app/static/vendor/swagger-ui/
	rm -rf .swagger-tmp

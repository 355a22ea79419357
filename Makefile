# Engage — the two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
UV := $(VENV)/bin/uv
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000
export PORT  # the app's links and reminder mails use the port it is served on
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run test install lint format vendor bench clean

## Install the pinned dependencies into .venv (re-run only when the lock file changes).
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@command -v $(PYTHON) >/dev/null || { echo "Engage needs Python 3.11 ($(PYTHON) not found)"; exit 1; }
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@test -x $(UV) || $(VENV)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9
	$(UV) sync --frozen --quiet
	@touch $@

## Migrate, seed the demo data if the database is empty, and serve on http://127.0.0.1:$(PORT).
run: install
	$(FLASK) db upgrade
	$(FLASK) engage seed-demo --if-empty
	@echo
	@echo "Engage is at http://127.0.0.1:$(PORT)  — sign in as admin@example.org, editor@example.org"
	@echo "or viewer@example.org with the password $${ENGAGE_DEMO_PASSWORD:-engage-demo}"
	@echo
	@# A worker of the task queue beside the server (evidence packs, webhook deliveries, reminders);
	@# it stops with the server.
	@$(FLASK) engage worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT; \
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

## Run the whole test suite (SQLite, or PostgreSQL when DATABASE_URL names one);
## PYTEST_MARK selects by marker (e.g. PYTEST_MARK="not browser"), PYTEST_ARGS adds pytest options.
test: install node_modules/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	node_modules/.bin/stylelint "static/css/**/*.css"
	$(VENV)/bin/pytest -n 2 $(if $(PYTEST_MARK),-m "$(PYTEST_MARK)") $(PYTEST_ARGS)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

lint: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

format: lint

## Refresh static/vendor from npm (only the built files we serve are committed).
vendor: node_modules/.installed
	rm -rf static/vendor && mkdir -p static/vendor/bootstrap static/vendor/htmx static/vendor/bootstrap-icons/fonts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	mkdir -p static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/LICENSE static/vendor/swagger-ui/
	sed -i '/sourceMappingURL/d' static/vendor/swagger-ui/*.js static/vendor/swagger-ui/*.css
	# The multi-value widget (static/js/multiselect.js): Tom Select with its popular plugins (remove_button), Bootstrap 5 look.
	mkdir -p static/vendor/tom-select
	cp node_modules/tom-select/dist/js/tom-select.popular.min.js node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css static/vendor/tom-select/
	# The reports' charts (static/js/reports.js): Chart.js's UMD build, which bundles its one dependency (@kurkle/color).
	mkdir -p static/vendor/chartjs
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md static/vendor/chartjs/
	sed -i '/sourceMappingURL/d' static/vendor/chartjs/*.js
	# The maps' network (static/js/network.js): Cytoscape.js's minified UMD build (no dependencies).
	mkdir -p static/vendor/cytoscape
	cp node_modules/cytoscape/dist/cytoscape.min.js node_modules/cytoscape/LICENSE static/vendor/cytoscape/
	cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css static/vendor/bootstrap-icons/
	cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff static/vendor/bootstrap-icons/fonts/
	sed -i '/sourceMappingURL/d' static/vendor/bootstrap/*.js static/vendor/bootstrap/*.css
	sed -i 's|/\*# sourceMappingURL=[^*]*\*/||; s|//# sourceMappingURL=.*$$||' static/vendor/tom-select/*
	# PDF fonts for the scripts DejaVu (static/fonts) lacks: the regular and bold fontsource subset of
	# each script, as WOFF 1 (WeasyPrint decodes WOFF 2 in pure Python: seconds per CJK file, each render).
	for pair in sc:chinese-simplified jp:japanese kr:korean arabic:arabic hebrew:hebrew; do \
	  lang=$${pair%%:*}; subset=$${pair#*:}; dir=static/vendor/fonts/noto-sans-$$lang; mkdir -p $$dir; \
	  cp node_modules/@fontsource/noto-sans-$$lang/LICENSE $$dir/; \
	  for weight in 400 700; do cp node_modules/@fontsource/noto-sans-$$lang/files/noto-sans-$$lang-$$subset-$$weight-normal.woff $$dir/; done; \
	done

## Benchmarks at the SPEC §5 volumes; figures go to docs/PERFORMANCE.md.
bench: install
	bench/all.sh

clean:
	rm -rf $(VENV) node_modules instance/*.db*

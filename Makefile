# The targets behind the README's commands. Everything lives in .venv; nothing is installed
# system-wide except the browser the browser test drives (scripts/ensure-browser.sh).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
# 127.0.0.1 keeps the app on this machine; a trainer running a team session sets ADDRESS=0.0.0.0.
ADDRESS ?= 127.0.0.1
SAMPLE := datasets/music
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: app test lab data bench lint lock clean

app: $(VENV)/.runtime data  ## set up, then start the app on http://localhost:$(PORT)
	$(PY) -m streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS)

test: $(VENV)/.dev  ## set up, then run every check and test
	scripts/ensure-browser.sh
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

lab: $(VENV)/.runtime data  ## set up, then open the lessons in JupyterLab
	$(PY) scripts/jupyterlab_settings.py $(VENV)
	$(PY) -m jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 $(ROOT_FLAG)

data: $(SAMPLE)/manifest.json

$(SAMPLE)/manifest.json: | $(VENV)/.runtime
	$(PY) -m lessons.data generate --out $(SAMPLE) --rows 200000 --seed 42 \
		--duplicates 0.01 --late 0.02 --formats parquet,jsonl,csv --no-progress

bench: $(VENV)/.runtime  ## measure and print ratios (not tests)
	$(PY) bench/generate.py
	$(PY) bench/streams.py
	$(PY) bench/athena.py
	$(PY) bench/lake_formats.py
	$(PY) bench/dashboard.py
	$(PY) bench/search.py
	$(PY) bench/flink.py

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt constraints.txt pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt -c constraints.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	$(PY) -m pip check
	touch $@

lint: $(VENV)/.dev
	$(PY) -m ruff check . && $(PY) -m ruff format --check .

lock: $(VENV)/.dev  ## re-pin every transitive version after changing requirements*.txt
	$(PY) -m pip freeze --exclude-editable | grep -v '^pipeline-lab' > constraints.txt

clean:
	rm -rf $(VENV) datasets/music .pytest_cache .ruff_cache

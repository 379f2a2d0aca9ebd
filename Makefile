# Everything a fresh machine needs: `make demo` (install, ingest the bundled
# corpus, serve it) and `make test` (install, run the tests).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DB ?= db/boardpapers.db

.PHONY: install demo ingest serve test eval bench corpus clean

$(VENV)/.installed: pyproject.toml setup.py pipeline/_pdfium_chars.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

ingest: install
	$(BIN)/boardpapers ingest corpus/text corpus/pdf --db $(DB)

demo: ingest
	$(BIN)/boardpapers serve --db $(DB)

serve: install
	$(BIN)/boardpapers serve --db $(DB)

test: install
	-PYTHON=$(BIN)/python bash scripts/install_browser.sh  # chromium + playwright for the browser tests; they skip without
	$(BIN)/python -m pytest -q

eval: install
	$(BIN)/boardpapers eval

bench: install
	$(BIN)/python benchmarks/bench_ingest.py

corpus: install
	$(BIN)/python corpus/build_pdfs.py

clean:
	rm -rf $(VENV) build *.egg-info $(DB) $(DB)-wal $(DB)-shm

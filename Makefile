# Set-up and everyday commands. `make run` and `make test` are the README's Quick start.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench screenshot clean bundle bundle-check

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	# The CPU build of torch first (about 200 MB); a plain `pip install torch` would fetch CUDA builds.
	$(BIN)/pip install --disable-pip-version-check -q "torch==2.13.0" || \
	  $(BIN)/pip install --disable-pip-version-check -q "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu
	$(BIN)/pip install --disable-pip-version-check -q -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/nnbuilder resources/examples/fashion_mnist_mlp.nnb

test: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check nnbuilder tests benchmarks

lint: setup
	$(BIN)/ruff check nnbuilder tests benchmarks
	$(BIN)/lint-imports --no-cache

bench: setup
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

screenshot: setup
	QT_QPA_PLATFORM=offscreen $(BIN)/python docs/make_screenshots.py

# Installers (packaging/README.md). Both use the existing virtualenv ($(VENV)) and add PyInstaller to it.
bundle:
	$(BIN)/python -c "import PyInstaller" 2>/dev/null || $(BIN)/pip install --disable-pip-version-check -q "pyinstaller>=6.10"
	nice -n 10 $(BIN)/python packaging/build_linux.py

bundle-check:
	$(BIN)/python -c "import PyInstaller" 2>/dev/null || $(BIN)/pip install --disable-pip-version-check -q "pyinstaller>=6.10"
	$(BIN)/python packaging/bundle_check.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

# The long fuzz run (minutes): thousands of mutated and hand-made inputs per test, 200 kills per save test.
# NNBUILDER_FUZZ_SEED picks another reproducible set of inputs; the last count is in the README.
.PHONY: fuzz
fuzz: setup
	NNBUILDER_FUZZ_PROFILE=long NNBUILDER_FUZZ_KILLS=$${NNBUILDER_FUZZ_KILLS:-200} QT_QPA_PLATFORM=offscreen \
	  $(BIN)/python -m pytest tests/fuzz -q -p no:cacheprovider

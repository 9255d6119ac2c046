"""The OpenAI-compatible backend: vLLM, llama.cpp's server, Ollama, TGI, or OpenAI.

This is how Haven scales past one machine: many bot processes, one inference
cluster. Streaming is Server-Sent Events over httpx. Only the opening of a
request is retried (connection refused, 429, 5xx, no headers in time): once
text has reached the user, retrying would repeat it.

Token counting must be synchronous and cheap, so it is an estimate: characters
divided by this model's characters-per-token, measured once at start-up on a
fixed sample through the server's tokenize endpoint when it has one (vLLM,
llama.cpp, llama-cpp-python), else 3.5 (a conservative figure for English
BPE vocabularies), plus a few tokens of template per message.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from model.base import (
    BackendError,
    BackendHealth,
    BackendUnavailable,
    ChatMessage,
    GenerationParams,
)
from model.config import ModelSection
from model.streaming import StopMatcher

log = logging.getLogger(__name__)

NAME = "openai"
DEFAULT_CHARS_PER_TOKEN = 3.5
TOKENS_PER_MESSAGE = 4  # role markers and separators of a typical chat template
TOKENS_FOR_REPLY_PROMPT = 3
_RETRY_STATUS = frozenset({408, 409, 429, 500, 502, 503, 504})
# A fixed sample in the register the bot speaks, to measure the tokenizer's density.
_CALIBRATION_TEXT = (
    "It sounds like this week has been really heavy for you. When sleep is short and "
    "work keeps piling up, even small things can feel like too much. Would it help to "
    "talk about what has been the hardest part? I'm here to listen, and we can take it "
    "one step at a time. Some people find a short walk, a glass of water or writing a "
    "few lines down makes the evening a little lighter."
)


class _Retryable(Exception):
    """A failure worth another try before the first token."""


def _root(base_url: str) -> str:
    """The server root: tokenize endpoints live outside /v1."""
    url = base_url.rstrip("/")
    return url[: -len("/v1")] if url.endswith("/v1") else url


def _headers(api_key_env: str) -> dict[str, str]:
    key = os.environ.get(api_key_env, "").strip()
    return {"Authorization": f"Bearer {key}"} if key else {}


async def probe_server(
    base_url: str, api_key_env: str, *, timeout_s: float = 5.0
) -> tuple[bool, str]:
    """Is an OpenAI-compatible server answering at ``base_url``? (for `bot check`)"""
    url = base_url.rstrip("/") + "/models"
    try:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            resp = await client.get(url, headers=_headers(api_key_env))
    except httpx.HTTPError as exc:
        return False, f"{base_url} unreachable: {type(exc).__name__}: {exc}"
    if resp.status_code in (401, 403):
        return (
            False,
            f"{base_url} refused the API key (HTTP {resp.status_code}): check ${api_key_env}",
        )
    if resp.status_code != 200:
        return False, f"{base_url}/models answered HTTP {resp.status_code}"
    try:
        models = [m.get("id", "?") for m in resp.json().get("data", [])]
    except (ValueError, AttributeError):
        models = []
    return True, f"{base_url} reachable; models: {', '.join(models[:5]) or 'none listed'}"


class OpenAIBackend:
    name = NAME

    def __init__(
        self, cfg: ModelSection, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self.cfg = cfg
        self.ocfg = cfg.openai
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self.chars_per_token = DEFAULT_CHARS_PER_TOKEN
        self.calibrated_by: str | None = None
        self.last_error = ""

    async def start(self) -> None:
        """Check the configuration; a server that is down now may be up later."""
        if not self.ocfg.base_url or not self.ocfg.model:
            raise BackendUnavailable(
                "the openai backend needs model.openai.base_url and model.openai.model "
                "(e.g. http://127.0.0.1:8000/v1 and the served model's name)"
            )
        if self._client is None:
            timeout = httpx.Timeout(self.ocfg.timeout_s, connect=min(10.0, self.ocfg.timeout_s))
            self._client = httpx.AsyncClient(
                base_url=self.ocfg.base_url.rstrip("/") + "/",
                timeout=timeout,
                headers=_headers(self.ocfg.api_key_env),
                transport=self._transport,
            )
        try:
            await self.calibrate()
        except httpx.HTTPError as exc:
            log.warning("openai server %s not reachable yet: %s", self.ocfg.base_url, exc)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def health(self) -> BackendHealth:
        base = self.ocfg.base_url or "(no base_url)"
        if self._client is None:
            return BackendHealth(NAME, False, "not started")
        ok, detail = await probe_server(base, self.ocfg.api_key_env, timeout_s=3.0)
        extra = {"model": self.ocfg.model or "", "chars_per_token": f"{self.chars_per_token:.2f}"}
        if self.last_error:
            extra["last_error"] = self.last_error[:200]
        return BackendHealth(NAME, ok, detail, extra=extra)

    # -- tokens ----------------------------------------------------------

    def count_tokens(self, messages: Sequence[ChatMessage]) -> int:
        chars = sum(len(m.content) for m in messages)
        return (
            math.ceil(chars / self.chars_per_token)
            + TOKENS_PER_MESSAGE * len(messages)
            + TOKENS_FOR_REPLY_PROMPT
        )

    async def calibrate(self) -> float:
        """Measure characters per token through the server's tokenizer, if it offers one."""
        n = await self.server_token_count(_CALIBRATION_TEXT)
        if n:
            self.chars_per_token = len(_CALIBRATION_TEXT) / n
        return self.chars_per_token

    async def server_token_count(self, text: str) -> int | None:
        """Tokens in ``text`` by the server's own tokenizer; None if it has no endpoint."""
        client = self._require()
        root = _root(self.ocfg.base_url or "")
        attempts: list[tuple[str, dict[str, Any], str]] = [
            (
                f"{root}/tokenize",
                {"model": self.ocfg.model, "prompt": text, "add_special_tokens": False},
                "vllm",
            ),
            (
                f"{root}/extras/tokenize/count",
                {"input": text, "model": self.ocfg.model},
                "llama-cpp-python",
            ),
            (f"{root}/tokenize", {"content": text}, "llama.cpp"),
        ]
        for url, body, kind in attempts:
            resp = await client.post(url, json=body, timeout=5.0)
            if resp.status_code != 200:
                continue
            try:
                data = resp.json()
            except ValueError:
                continue
            count = data.get("count")
            if count is None and isinstance(data.get("tokens"), list):
                count = len(data["tokens"])
            if isinstance(count, int) and count > 0:
                self.calibrated_by = kind
                return count
        return None

    # -- generation ------------------------------------------------------

    def _require(self) -> httpx.AsyncClient:
        if self._client is None:
            raise BackendUnavailable("the openai backend is not started: call start() first")
        return self._client

    def _payload(self, messages: Sequence[ChatMessage], params: GenerationParams) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": self.ocfg.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "stream": True,
            "max_tokens": params.max_new_tokens,
            "temperature": params.temperature,
            "top_p": params.top_p,
        }
        if params.stop:
            payload["stop"] = list(params.stop)[:4]  # the API allows four
        if params.seed is not None:
            payload["seed"] = params.seed
        return payload

    async def _open(self, payload: dict[str, Any]) -> httpx.Response:
        client = self._require()
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.ocfg.max_retries + 1),
            wait=wait_exponential(multiplier=0.5, max=8),
            retry=retry_if_exception_type(_Retryable),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    try:
                        req = client.build_request("POST", "chat/completions", json=payload)
                        resp = await client.send(req, stream=True)
                    except (httpx.TransportError, httpx.TimeoutException) as exc:
                        raise _Retryable(f"{type(exc).__name__}: {exc}") from exc
                    if resp.status_code in _RETRY_STATUS:
                        await resp.aclose()
                        raise _Retryable(f"HTTP {resp.status_code}")
                    if resp.status_code >= 400:
                        body = (await resp.aread()).decode("utf-8", "replace")[:300]
                        await resp.aclose()
                        raise BackendError(f"{NAME}: HTTP {resp.status_code}: {body}")
                    return resp
        except _Retryable as exc:
            raise BackendError(
                f"{NAME}: {self.ocfg.base_url} failed after {self.ocfg.max_retries + 1} tries: {exc}"
            ) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    async def stream(
        self,
        messages: Sequence[ChatMessage],
        params: GenerationParams,
        *,
        session: str | None = None,  # servers keep their own prefix caches
    ) -> AsyncIterator[str]:
        timeout = params.timeout_s if params.timeout_s is not None else self.cfg.timeout_s
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        stops = StopMatcher(params.stop)
        try:
            resp = await asyncio.wait_for(self._open(self._payload(messages, params)), timeout)
        except TimeoutError:
            self.last_error = "timed out before the first token"
            raise BackendError(f"{NAME}: no answer within {timeout:g} s") from None
        except BackendError as exc:
            self.last_error = str(exc)
            raise
        lines = resp.aiter_lines()
        try:
            while True:
                try:
                    line = await asyncio.wait_for(anext(lines), max(0.0, deadline - loop.time()))
                except StopAsyncIteration:
                    break
                except TimeoutError:
                    raise BackendError(f"{NAME}: no complete reply within {timeout:g} s") from None
                except httpx.HTTPError as exc:
                    raise BackendError(f"{NAME}: the stream broke: {exc}") from exc
                text, finished = _parse_sse_line(line)
                if text:
                    out = stops.feed(text)
                    if out:
                        yield out
                if finished or stops.stopped:
                    break
            tail = stops.flush()
            if tail:
                yield tail
        finally:
            await resp.aclose()


def _parse_sse_line(line: str) -> tuple[str, bool]:
    """One SSE line -> (text delta, stream finished). Comments and keep-alives are empty."""
    if not line.startswith("data:"):
        return "", False
    data = line[5:].strip()
    if data == "[DONE]":
        return "", True
    try:
        event = json.loads(data)
    except ValueError:
        return "", False
    if isinstance(event, dict) and "error" in event:
        raise BackendError(f"{NAME}: the server reported an error: {str(event['error'])[:300]}")
    choices = event.get("choices") or [{}]
    choice = choices[0] if isinstance(choices[0], dict) else {}
    delta = choice.get("delta") or {}
    text = delta.get("content") or ""
    return str(text), choice.get("finish_reason") is not None

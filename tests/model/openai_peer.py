"""A small OpenAI-compatible server on loopback, scripted by each test.

It speaks the real wire protocol (JSON requests, SSE streams) so the openai
backend's HTTP, retry and streaming code all run for real. ``plan`` holds
what the next requests get: an HTTP status to fail with, ``"hang"`` (no
headers until the test ends), or ``"error-event"`` (an SSE error mid-stream).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web

REPLY_WORDS = ["I ", "hear ", "you. ", "That ", "sounds ", "hard."]


@dataclass
class OpenAIPeer:
    base_url: str = ""
    plan: list[int | str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    auth: list[str] = field(default_factory=list)  # Authorization header of each chat request
    reply: list[str] = field(default_factory=lambda: list(REPLY_WORDS))
    chars_per_token: int = 5
    released: asyncio.Event = field(default_factory=asyncio.Event)

    async def chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        self.auth.append(request.headers.get("Authorization", ""))
        step = self.plan.pop(0) if self.plan else "ok"
        if step == "hang":
            await self.released.wait()
            return web.Response(status=503)
        if isinstance(step, int):
            return web.json_response({"error": {"message": f"scripted {step}"}}, status=step)
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        words = self.reply[: max(1, int(body.get("max_tokens", 100)))]
        for i, word in enumerate(words):
            if step == "error-event" and i == 2:
                await resp.write(b'data: {"error": {"message": "model crashed"}}\n\n')
                return resp
            chunk = {"choices": [{"index": 0, "delta": {"content": word}, "finish_reason": None}]}
            await resp.write(f"data: {json.dumps(chunk)}\n\n".encode())
            await resp.write(b": keep-alive comment\n\n")
        done = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        await resp.write(f"data: {json.dumps(done)}\n\ndata: [DONE]\n\n".encode())
        return resp

    async def models(self, _: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "peer-model"}]})

    async def count(self, request: web.Request) -> web.Response:
        body = await request.json()
        return web.json_response({"count": max(1, len(body["input"]) // self.chars_per_token)})


@pytest.fixture
async def openai_peer() -> AsyncIterator[OpenAIPeer]:
    peer = OpenAIPeer()
    app = web.Application()
    app.router.add_post("/v1/chat/completions", peer.chat)
    app.router.add_get("/v1/models", peer.models)
    app.router.add_post("/extras/tokenize/count", peer.count)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    peer.base_url = f"http://127.0.0.1:{port}/v1"
    yield peer
    peer.released.set()
    await runner.cleanup()


def free_port() -> int:
    """A loopback port nobody listens on (for 'connection refused')."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])

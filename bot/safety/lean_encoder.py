"""MiniLM's forward pass without the transformers module tree, for grading only.

Profiled here on one thread, transformers' ``BertModel`` spent ~4 ms of Python
per call around ~1 ms of int8 arithmetic (a 6-piece input took 5 ms); every
message pays that once. This pass calls the same modules' weights and the same
ops (the int8 linear layers themselves, layer norm, GELU, PyTorch's scaled
dot-product attention) in a plain loop, so its vectors match ``BertModel``'s
to float rounding (a test checks it) at a fraction of the overhead.
Training keeps using ``BertModel`` (it needs PEFT and gradients).

``GradingPass`` runs it as a TorchScript graph, which holds the GIL once per
call instead of once per op. Measured here: with another Python thread busy,
the plain loop took ~600 ms for a 160-piece post (each of ~100 ops waited for
the GIL) and the graph ~25 ms; alone, the graph is bit-equal and ~10% faster.
That lets the lexicon scan a post on one core while the encoder reads it on
the other, and keeps grading fast when several people write at once.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Block:
    query: Any
    key: Any
    value: Any
    attn_out: Any
    attn_norm: tuple[torch.Tensor, torch.Tensor]
    ffn_in: Any
    ffn_out: Any
    out_norm: tuple[torch.Tensor, torch.Tensor]


class LeanBert:
    """``last_hidden_state`` of a (possibly int8-quantised) BertModel with absolute positions."""

    def __init__(self, model: Any) -> None:
        config = model.config
        if getattr(config, "position_embedding_type", "absolute") != "absolute":
            raise ValueError("only absolute position embeddings are supported")
        if config.hidden_act != "gelu":
            raise ValueError(f"unsupported activation {config.hidden_act!r}")
        emb = model.embeddings
        self._words = emb.word_embeddings.weight.detach()
        self._positions = emb.position_embeddings.weight.detach()
        self._type0 = emb.token_type_embeddings.weight.detach()[0]
        self._emb_norm = (emb.LayerNorm.weight.detach(), emb.LayerNorm.bias.detach())
        self._eps = float(config.layer_norm_eps)
        self._heads = int(config.num_attention_heads)
        self._hidden = int(config.hidden_size)
        self.blocks = [
            _Block(
                query=layer.attention.self.query,
                key=layer.attention.self.key,
                value=layer.attention.self.value,
                attn_out=layer.attention.output.dense,
                attn_norm=_norm(layer.attention.output.LayerNorm),
                ffn_in=layer.intermediate.dense,
                ffn_out=layer.output.dense,
                out_norm=_norm(layer.output.LayerNorm),
            )
            for layer in model.encoder.layer
        ]

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        rows, length = input_ids.shape
        x = self._words[input_ids] + self._type0 + self._positions[:length]  # transformers order
        x = F.layer_norm(x, (self._hidden,), *self._emb_norm, self._eps)
        # Padded keys are hidden from every query; without padding no mask is needed.
        # (expanded to rows x 1 x length x length as transformers does: the CPU kernel
        # rounds a broadcast mask differently, and int8 activations magnify that).
        mask = (
            None
            if bool(attention_mask.all())
            else attention_mask.bool()[:, None, None, :].expand(rows, 1, length, length)
        )
        split = (rows, length, self._heads, self._hidden // self._heads)
        for b in self.blocks:
            q = b.query(x).view(split).transpose(1, 2)
            k = b.key(x).view(split).transpose(1, 2)
            v = b.value(x).view(split).transpose(1, 2)
            a = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            a = a.transpose(1, 2).reshape(rows, length, self._hidden)
            x = F.layer_norm(b.attn_out(a) + x, (self._hidden,), *b.attn_norm, self._eps)
            x = F.layer_norm(
                b.ffn_out(F.gelu(b.ffn_in(x))) + x, (self._hidden,), *b.out_norm, self._eps
            )
        return x


class GradingPass:
    """``finish(LeanBert(ids, mask), mask)`` as two traced graphs: rows of one length
    (no mask) and padded rows; the plain loop if tracing is unavailable."""

    def __init__(
        self,
        lean: LeanBert,
        finish: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        *,
        trace: bool = True,
    ) -> None:
        self._eager = _Graph(lean, finish)
        self.traced = False
        self._graphs: dict[bool, Any] = {False: self._eager, True: self._eager}
        if not trace:
            return
        try:
            self._graphs = {padded: self._trace(padded) for padded in (False, True)}
            self.traced = True
        except Exception as exc:  # a torch without TorchScript: same vectors, more GIL
            log.warning("grading pass not traced (%s); running the plain loop", exc)

    def __call__(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, *, padded: bool
    ) -> torch.Tensor:
        """Under ``torch.inference_mode``. ``padded``: some rows are shorter than others
        (the caller knows it from its lists; asking the mask would take the GIL again)."""
        return self._graphs[padded](input_ids, attention_mask)

    def plain(self) -> GradingPass:
        """The same pass as the plain loop (the bench times the two side by side)."""
        return GradingPass(self._eager.lean, self._eager.finish, trace=False)

    def _trace(self, padded: bool) -> Any:
        # The shapes stay free (the trace records size ops); only the mask branch
        # is fixed, so each branch gets its own graph.
        input_ids = torch.full((2, 4), 1000, dtype=torch.long)
        mask = torch.ones_like(input_ids)
        if padded:
            mask[1, 2:] = 0
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecation and trace-branch notices
            return torch.jit.trace(self._eager, (input_ids, mask), check_trace=False)


class _Graph(torch.nn.Module):
    """Registers LeanBert's layers as submodules: tracing needs to own them."""

    def __init__(
        self, lean: LeanBert, finish: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    ) -> None:
        super().__init__()
        self.lean = lean
        self.finish = finish
        self.layers = torch.nn.ModuleList(
            torch.nn.ModuleList([b.query, b.key, b.value, b.attn_out, b.ffn_in, b.ffn_out])
            for b in lean.blocks
        )
        self.eval()

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.finish(self.lean(input_ids, attention_mask), attention_mask)


def _norm(layer: Any) -> tuple[torch.Tensor, torch.Tensor]:
    return layer.weight.detach(), layer.bias.detach()

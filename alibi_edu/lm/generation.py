"""Sampling characters from a TinyLM, one at a time, with or without a KV cache.

With the cache, every step feeds only the newest character: its query attends to the keys and values cached for all
earlier ones (the queries are the last positions, the KV-cache convention). Without it, every step reads the whole
sequence again. Both run the model's one attention path (lm.model.transformer), so their logits agree.
"""
from __future__ import annotations

import torch

from .. import _validate as check
from .data import Corpus
from .model import KVCache, TinyLM


@torch.no_grad()
def generate(model: TinyLM, prompt: str | torch.Tensor, n_new: int, *, corpus: Corpus | None = None,
             temperature: float = 1.0, seed: int = 0, cache: bool = True) -> str | torch.Tensor:
    """Sample n_new characters after prompt: seeded, so the same call gives the same characters.

    prompt: a str (then corpus= encodes and decodes it; returns the new text, prompt excluded) or an int64 tensor of
    ids (B, L) (returns the new ids, (B, n_new)). temperature > 0 divides the logits (lower: surer, higher: wilder);
    0 takes the most likely character every time. A learned-position model raises a ValueError at the first
    position past its table.
    """
    if not isinstance(model, TinyLM):
        raise TypeError(f"model must be a TinyLM (a StackedLM: unstack() it first), got {type(model).__name__}")
    ids = prompt_ids(model, prompt, corpus)
    n_new = check.positive_int("n_new", n_new)
    temperature = check.finite_float("temperature", temperature)
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0 (0: always the most likely character), got {temperature}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    generator = torch.Generator().manual_seed(seed)
    model.eval()
    kv = KVCache() if cache else None
    sequence, new = ids, []
    logits = model(ids, cache=kv)[0][:, -1]
    for step in range(n_new):
        new.append(sample(logits, temperature, generator))  # (B, 1)
        sequence = torch.cat([sequence, new[-1]], dim=1)
        if step + 1 < n_new:  # the last character is only written, never read
            logits = model(new[-1] if cache else sequence, cache=kv)[0][:, -1]
    out = torch.cat(new, dim=1)
    return corpus.decode(out[0]) if isinstance(prompt, str) else out


def sample(logits: torch.Tensor, temperature: float, generator: torch.Generator) -> torch.Tensor:
    """One character id per row of logits (B, V), (B, 1): drawn from softmax(logits / temperature), or the most
    likely one for temperature 0."""
    if temperature == 0:
        return logits.argmax(-1, keepdim=True)
    return torch.multinomial(torch.softmax(logits.double() / temperature, dim=-1), 1, generator=generator)


def prompt_ids(model: TinyLM, prompt: str | torch.Tensor, corpus: Corpus | None) -> torch.Tensor:
    """The prompt as checked ids (B, L): at least one character, every id in the model's vocabulary."""
    if isinstance(prompt, str):
        if not isinstance(corpus, Corpus):
            raise TypeError(f"a text prompt needs corpus= (the Corpus the model was trained on, to encode and decode "
                            f"characters), got corpus={type(corpus).__name__}")
        if corpus.vocab_size != model.config.vocab_size:
            raise ValueError(f"corpus has {corpus.vocab_size} characters but the model was built for vocab_size="
                             f"{model.config.vocab_size}: pass the corpus the model was trained on")
        if not prompt:
            raise ValueError("prompt must hold at least one character: the model predicts from what came before")
        return corpus.encode(prompt)[None]
    if not isinstance(prompt, torch.Tensor) or prompt.dtype != torch.long or prompt.ndim != 2:
        raise TypeError(f"prompt must be a str or an int64 tensor of ids of shape (B, L), got "
                        f"{getattr(prompt, 'dtype', type(prompt).__name__)} {tuple(getattr(prompt, 'shape', ()))}")
    if prompt.shape[1] == 0 or prompt.shape[0] == 0:
        raise ValueError(f"prompt must hold at least one character per row, got shape {tuple(prompt.shape)}")
    if prompt.min() < 0 or prompt.max() >= model.config.vocab_size:
        raise ValueError(f"prompt ids must lie in 0..{model.config.vocab_size - 1} (vocab_size), got "
                         f"{prompt.min().item()}..{prompt.max().item()}")
    return prompt

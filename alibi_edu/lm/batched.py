"""Many TinyLMs of one shape trained side by side as one stacked model.

Every weight gets a leading model axis M and goes through TinyLM's own math (lm.model.transformer), where a linear
layer is one batched matmul over M: a sweep's seeds and settings keep both CPU threads busy instead of running tiny
matrices one model at a time. Each model keeps its own
initialisation (built as a TinyLM with its seed), its own batches (a generator with its seed), its own gradient
clipping and its own slopes: the losses equal those of training the models one by one (tests/test_lm.py).
"""
from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .data import random_windows
from .model import ModelConfig, TinyLM, transformer


class StackedLM(nn.Module):
    """M TinyLMs that differ only in weights and ALiBi slopes: idx (M, B, L) -> logits (M, B, L, V)."""

    def __init__(self, models: list[TinyLM]):
        super().__init__()
        if not models:
            raise ValueError("models must hold at least one TinyLM")
        first = models[0].config
        for model in models:
            if stack_shape(model.config) != stack_shape(first):
                raise ValueError(f"every stacked model needs the same method and sizes: {model.config} vs {first}")
        self.config, self.configs, self.n_models = first, [model.config for model in models], len(models)
        states = [model.state_dict() for model in models]
        self.weights = nn.ParameterDict({name.replace(".", "__"): nn.Parameter(torch.stack([s[name] for s in states]))
                                         for name in states[0]})

    def unstack(self) -> list[TinyLM]:
        """The M trained models as separate TinyLMs (for evaluation, attention maps, length curves)."""
        models = []
        for index in range(self.n_models):
            model = TinyLM(self.configs[index])
            model.load_state_dict({name: w[index].detach().clone() for name, w in self._weights().items()})
            models.append(model.eval())
        return models

    def forward(self, idx: torch.Tensor, targets: torch.Tensor | None = None):
        """idx (M, B, L) -> (logits (M, B, L, V), per-model mean cross-entropy (M,) or None)."""
        logits = transformer(self._weights(), self.configs, idx)
        if targets is None:
            return logits, None
        losses = F.cross_entropy(logits.flatten(0, 2), targets.flatten(), reduction="none")
        return logits, losses.view(idx.shape[0], -1).mean(1)

    @torch.no_grad()
    def attention_maps(self, idx: torch.Tensor) -> torch.Tensor:
        """Attention weights of every model, layer and head for idx (M, B, L): (n_layers, M, B, H, L, L)."""
        return transformer(self._weights(), self.configs, idx, maps=True)

    def _weights(self) -> dict[str, torch.Tensor]:
        return {name.replace("__", "."): w for name, w in self.weights.items()}


def stack_shape(config: ModelConfig) -> tuple:
    """What models must share to train in one stack (everything but the weights and the ALiBi slopes)."""
    return (config.vocab_size, config.method, config.d_model, config.n_layers, config.n_heads, config.max_len)


def clip_per_model(parameters, max_norm: float) -> torch.Tensor:
    """torch.nn.utils.clip_grad_norm_ applied to each model of the stack separately; returns the (M,) norms."""
    grads = [p.grad for p in parameters if p.grad is not None]
    norms = torch.stack([g.pow(2).flatten(1).sum(1) for g in grads]).sum(0).sqrt()
    scale = (max_norm / (norms + 1e-6)).clamp(max=1.0)
    for g in grads:
        g.mul_(scale.view(-1, *[1] * (g.ndim - 1)))
    return norms


def cosine_lr(step: int, config) -> float:
    """The learning rate at step of a TrainConfig's run: linear warm-up over the first 5 % of steps, then a cosine
    down to 0 (lm.train and train_stacked both follow it)."""
    warmup = max(1, config.steps // 20)
    if step < warmup:
        return config.lr * (step + 1) / warmup
    return config.lr * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, config.steps - warmup)))


def train_stacked(train: torch.Tensor, model_configs: list[ModelConfig], seeds: list[int], config, *,
                  progress=None) -> tuple[StackedLM, torch.Tensor]:
    """Train one TinyLM per (model config, seed) on `train`, all at once; returns the stack and losses (steps, M).

    Model index i is initialised with torch.manual_seed(seeds[i]) and draws its batches from a generator seeded
    with seeds[i], exactly as lm.train does for one model.
    """
    if len(model_configs) != len(seeds):
        raise ValueError(f"model_configs and seeds must pair up, got {len(model_configs)} and {len(seeds)}")
    models = []
    for model_config, seed in zip(model_configs, seeds):
        torch.manual_seed(seed)
        models.append(TinyLM(model_config))
    stack = StackedLM(models)
    optimizer = torch.optim.AdamW(stack.parameters(), lr=config.lr, weight_decay=0.01)
    generators = {seed: torch.Generator().manual_seed(seed) for seed in set(seeds)}
    parameters, losses = list(stack.parameters()), []
    stack.train()
    for step in range(config.steps):
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(step, config)
        batches = {seed: random_windows(train, config.batch_size, config.seq_len, g) for seed, g in generators.items()}
        x = torch.stack([batches[seed][0] for seed in seeds])
        y = torch.stack([batches[seed][1] for seed in seeds])
        _, loss = stack(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.sum().backward()
        clip_per_model(parameters, 1.0)
        optimizer.step()
        losses.append(loss.detach())
        if progress is not None:
            progress.update(len(seeds))
    stack.eval()
    return stack, torch.stack(losses)

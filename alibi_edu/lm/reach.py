"""How much attention trained models put on keys further back than any distance they met in training."""
from __future__ import annotations

import torch

from .. import _validate as check
from .data import as_rows
from .model import TinyLM


@torch.no_grad()
def mass_beyond(models: list[TinyLM], data: torch.Tensor, distance: int, *, length: int = 1024,
                n_rows: int = 4) -> torch.Tensor:
    """Attention weight on keys at least `distance` steps back, per model, layer and head: (models, layers, H).

    Read on windows of `length` characters, the last `length` of each of the first n_rows stretches of data; the
    mean over every query that has such keys (i >= distance) of the summed weight on keys j <= i - distance.
    With distance = L_train these are keys at distances never seen in training (the largest there is L_train - 1).
    """
    distance, length = check.positive_int("distance", distance), check.positive_int("length", length)
    rows = as_rows(data)
    if length > rows.shape[1] or distance >= length:
        raise ValueError(f"need distance={distance} < length={length} <= the stretch length {rows.shape[1]}")
    windows = rows[:n_rows, -length:]
    i, j = torch.arange(length)[:, None], torch.arange(length)
    far = (i - j >= distance).float()  # (L, L): key far enough back
    result = []
    for model in models:
        per_row = [(model.attention_maps(w[None])[:, 0] * far).sum(-1)[..., distance:].mean(-1) for w in windows]
        result.append(torch.stack(per_row).mean(0))  # (layers, H)
    return torch.stack(result)

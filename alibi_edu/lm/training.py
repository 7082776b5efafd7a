"""Train, evaluate at several lengths, sweep settings; every run keeps a record of what happened."""
from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from .. import _validate as check
from .batched import StackedLM, cosine_lr
from .data import Corpus, as_rows, random_windows, require_length
from .model import ModelConfig, TinyLM

EVAL_BATCH_TOKENS = 8192  # tokens per forward pass during evaluation
EVAL_START = 1024  # default first scored position in every stretch: each scored character has 1 024 before it


def quick_mode() -> bool:
    """True when ALIBI_EDU_QUICK=1: notebooks shrink their settings to check the pages, not the science."""
    return os.environ.get("ALIBI_EDU_QUICK", "") not in ("", "0")


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 300
    batch_size: int = 32
    seq_len: int = 64  # L_train
    lr: float = 3e-3
    seed: int = 0

    def __post_init__(self):
        for name, label in (("steps", "steps"), ("batch_size", "batch_size"), ("seq_len", "seq_len (L_train)")):
            check.positive_int(label, getattr(self, name))
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise TypeError(f"seed must be an integer, got {self.seed!r}")
        if check.finite_float("lr", self.lr) <= 0:
            raise ValueError(f"lr must be > 0, got {self.lr}")


@dataclass
class Run:
    """The record of one training run: settings, loss at every step, validation loss, wall time, the model."""
    label: str
    model_config: dict
    train_config: dict
    losses: list[float] = field(repr=False)
    val_loss: float
    wall_time: float
    model: TinyLM = field(repr=False)


def train(corpus: Corpus, method: str = "alibi", *, config: TrainConfig | None = None, label: str | None = None,
          progress: bool | tqdm = True, **model_options) -> Run:
    """Train a TinyLM(method, **model_options) on corpus.train at config.seq_len; seeded, so repeatable."""
    config = config or TrainConfig()
    require_length(corpus.train, config.seq_len, "the training split")
    require_length(corpus.val, config.seq_len, "the validation split")
    model_config = ModelConfig(corpus.vocab_size, method, max_len=config.seq_len, **model_options)
    torch.manual_seed(config.seed)
    model = TinyLM(model_config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=0.01)
    generator = torch.Generator().manual_seed(config.seed)
    label = str(label or method)
    bar = progress if isinstance(progress, tqdm) else tqdm(total=config.steps, disable=not progress, leave=False)
    bar.set_description(label)
    losses, start = [], time.perf_counter()
    model.train()
    for step in range(config.steps):
        for group in optimizer.param_groups:
            group["lr"] = cosine_lr(step, config)
        x, y = random_windows(corpus.train, config.batch_size, config.seq_len, generator)
        _, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
        bar.update(1)
        bar.set_postfix(loss=f"{losses[-1]:.3f}", refresh=False)
    if bar is not progress:
        bar.close()
    model.eval()
    val_loss = evaluate(model, corpus.val, config.seq_len)
    return Run(label, asdict(model_config), asdict(config), losses, val_loss, time.perf_counter() - start, model)


@torch.no_grad()
def evaluate(model: TinyLM | StackedLM, data: torch.Tensor, seq_len: int, *, n_tokens: int = 8192,
             stride: int | None = None, start: int | None = None) -> float | torch.Tensor:
    """Mean next-character loss (nats) on n_tokens characters of data (stretches, length), read in windows of seq_len
    that never leave their stretch. A model (idx (B, L) -> (logits, _)) gives a float; a StackedLM of M models gives
    each model's loss, (M,), on the same windows.

    In every stretch the scored characters are those from position `start` on (default EVAL_START), stretch after
    stretch until n_tokens are scored, so every scored character has at least `start` characters of its own
    stretch before it, and the scored characters are the same whatever seq_len and stride: compare lengths on
    equal text.
    stride=None: back-to-back windows, so a window's first characters see little context.
    stride=s: sliding windows moved s at a time, scoring only each window's last s characters, so every
    scored character sees at least seq_len - s earlier ones (the paper's Appendix B control).
    """
    stacked = isinstance(model, StackedLM)
    M = model.n_models if stacked else 1
    total, count = torch.zeros(M, dtype=torch.float64), 0
    for x, y, skip in eval_windows(data, seq_len, n_tokens=n_tokens, stride=stride, start=start):
        x, y = x.expand(M, *x.shape), y.expand(M, *y.shape)  # (M, windows, seq_len)
        logits = model(x)[0] if stacked else model(x[0])[0][None]
        losses = F.cross_entropy(logits.flatten(0, 2), y.flatten(), reduction="none").view(y.shape)[..., skip:]
        total, count = total + losses.double().sum((1, 2)), count + losses[0].numel()
    return (total / count).float() if stacked else (total / count).item()


def eval_plan(data: torch.Tensor, seq_len: int, *, n_tokens: int = 8192, stride: int | None = None,
              start: int | None = None) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Where `evaluate` reads: (rows, ends, step). Window w's inputs are data[rows[w], ends[w] - seq_len:ends[w]],
    its targets one further; its last `step` targets are scored."""
    seq_len, n_tokens = check.positive_int("seq_len", seq_len), check.positive_int("n_tokens", n_tokens)
    step = seq_len if stride is None else check.positive_int("stride", stride)
    if step > seq_len:
        raise ValueError(f"stride={step} must be <= seq_len={seq_len}")
    start = EVAL_START if start is None else check.positive_int("start", start)
    if start < seq_len - step + 1:
        raise ValueError(f"start={start} leaves too little context: windows of seq_len={seq_len}, "
                         f"stride={step} need start >= {seq_len - step + 1}")
    n_rows, width = as_rows(data).shape
    per_row = max(0, (width - start) // step)  # windows ending at start - 1 + step, ... , at most width - 1
    n_windows = max(1, n_tokens // step)
    if per_row * n_rows < n_windows:
        raise ValueError(f"the evaluation data ({n_rows} stretches of {width} characters) holds "
                         f"{per_row * n_rows * step} scored characters from position start={start} of each stretch "
                         f"at stride {step}, fewer than n_tokens={n_tokens}: use fewer n_tokens or a smaller start")
    w = torch.arange(n_windows)
    return w // per_row, start - 1 + step * (1 + w % per_row), step


def eval_windows(data: torch.Tensor, seq_len: int, *, n_tokens: int = 8192, stride: int | None = None,
                 start: int | None = None):
    """The evaluation windows of `evaluate`, in batches: yields (x, y, skip), x and y (windows, seq_len) and the
    number of leading positions of each window that are context only (not scored)."""
    rows, ends, step = eval_plan(data, seq_len, n_tokens=n_tokens, stride=stride, start=start)
    data, offsets = as_rows(data), torch.arange(-seq_len, 0)
    for r, e in zip(rows.split(max(1, EVAL_BATCH_TOKENS // seq_len)), ends.split(max(1, EVAL_BATCH_TOKENS // seq_len))):
        yield data[r[:, None], e[:, None] + offsets], data[r[:, None], e[:, None] + offsets + 1], seq_len - step


def scored_positions(data: torch.Tensor, seq_len: int, **window_options) -> set[tuple[int, int]]:
    """The (stretch, position) of every character `evaluate` scores with these options."""
    rows, ends, step = eval_plan(data, seq_len, **window_options)
    return {(r, e - d) for r, e in zip(rows.tolist(), ends.tolist()) for d in range(step)}


def length_curve(model: TinyLM, data: torch.Tensor, lengths: list[int], *, n_tokens: int = 8192,
                 stride: int | None = None, start: int | None = None) -> dict[int, float]:
    """Validation loss at each evaluation length, scoring the same n_tokens characters each time
    (from position `start` of every stretch, as in evaluate); stride as in evaluate."""
    lengths = [check.positive_int("lengths[]", L) for L in lengths]
    options = {L: dict(n_tokens=n_tokens, stride=None if stride is None else min(stride, L), start=start)
               for L in lengths}
    same_text(data, options)
    return {L: evaluate(model, data, L, **options[L]) for L in lengths}


@torch.no_grad()
def loss_by_position(model: TinyLM | StackedLM, data: torch.Tensor, seq_len: int, *,
                     n_tokens: int = 8192) -> torch.Tensor:
    """Mean next-character loss (nats) at each position of a window, (seq_len,) (a StackedLM: (M, seq_len)):
    position p predicts the character after p + 1 read ones. Windows of seq_len back to back inside each stretch of
    data, from its start, n_tokens // seq_len of them (at least one): read far past L_train, it shows where a
    model's loss starts to rise."""
    seq_len, n_tokens = check.positive_int("seq_len", seq_len), check.positive_int("n_tokens", n_tokens)
    rows = as_rows(data)
    require_length(rows, seq_len, "the evaluation data")
    per_row, n_windows = (rows.shape[1] - 1) // seq_len, max(1, n_tokens // seq_len)
    if per_row * rows.shape[0] < n_windows:
        raise ValueError(f"the evaluation data ({rows.shape[0]} stretches of {rows.shape[1]} characters) holds "
                         f"{per_row * rows.shape[0]} windows of seq_len={seq_len}, fewer than the "
                         f"n_tokens // seq_len = {n_windows} asked for: use fewer n_tokens")
    w = torch.arange(n_windows)
    starts, offsets = (w % per_row * seq_len)[:, None], torch.arange(seq_len)
    x, y = rows[(w // per_row)[:, None], starts + offsets], rows[(w // per_row)[:, None], starts + offsets + 1]
    stacked = isinstance(model, StackedLM)
    total = torch.zeros(model.n_models if stacked else 1, seq_len, dtype=torch.float64)
    for xs, ys in zip(x.split(max(1, EVAL_BATCH_TOKENS // seq_len)), y.split(max(1, EVAL_BATCH_TOKENS // seq_len))):
        logits = model(xs.expand(model.n_models, *xs.shape))[0] if stacked else model(xs)[0][None]
        ys = ys.expand(logits.shape[0], *ys.shape)
        total += F.cross_entropy(logits.flatten(0, 2), ys.flatten(), reduction="none").view(ys.shape).double().sum(1)
    return (total / n_windows).float() if stacked else (total[0] / n_windows).float()


def same_text(data: torch.Tensor, options: dict[int, dict]) -> None:
    """Raise unless every length's evaluation scores the same characters."""
    scored = {L: scored_positions(data, L, **o) for L, o in options.items()}
    first = next(iter(scored.values()), set())
    for L, positions in scored.items():
        if positions != first:
            raise ValueError(f"lengths {list(options)} do not score the same characters (L={L} differs): "
                             f"use lengths and strides that divide the scored part of each stretch")


class Table(list):
    """Rows (dicts) that print as a text table and render as HTML in a notebook; floats as 4 significant digits,
    or in a column's own format (formats={"val mean": ".3f"})."""

    def __init__(self, rows=(), formats: dict[str, str] | None = None):
        super().__init__(rows)
        self.formats = dict(formats or {})

    def columns(self) -> list[str]:
        return list(self[0]) if self else []

    def column(self, name: str) -> list:
        return [row[name] for row in self]

    def _cells(self, row: dict) -> list[str]:
        return [_cell(row[c], self.formats.get(c, ".4g")) for c in self.columns()]

    def __str__(self) -> str:
        cells = [self._cells(row) for row in self]
        widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(self.columns())]
        lines = ["  ".join(c.rjust(w) for c, w in zip(self.columns(), widths))]
        lines += ["  ".join(v.rjust(w) for v, w in zip(r, widths)) for r in cells]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{c}</th>" for c in self.columns())
        body = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in self._cells(row)) + "</tr>" for row in self)
        return f"<table><tr>{head}</tr>{body}</table>"


def _cell(value, spec: str = ".4g") -> str:
    return format(value, spec) if isinstance(value, float) else str(value)


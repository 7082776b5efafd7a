"""Compare two settings seed by seed: the one rule every "tied", "flat", "rises" or "lower" in the course uses.

`paired(a, b)` compares two runs; `Runs` holds one value per setting and seed (a sweep's validation losses), picks
the best and names what is tied with it, and travels as plain data (`record`, `Runs.from_record`), so a checker or a
grader judges a student's own run without the models that produced it.

The seeds are paired: seed r gives every setting the same initial weights and the same batches, and a model run at
two lengths is the same model twice. So the question is not whether two means are far apart compared with how much
the *levels* vary between seeds, but whether the *differences*, seed by seed, are consistently on one side of zero.

The rule (one rule, used everywhere): a and b are **distinguishable** when every seed's difference a − b has the
same sign (none zero) AND the mean difference is more than twice its standard error (sd of the differences / √n).
Why both: with 3 seeds the standard error itself is poorly known, so a large mean pulled by one seed is not enough;
and three seeds agreeing by tiny amounts is not enough either when those amounts are within their own scatter.
It is a rule of thumb for small n, not a significance test: "unlikely to be noise with 3 seeds", never "not noise".
With one seed nothing is distinguishable (no scatter to read the difference against).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import torch

Z = 2.0  # the mean paired difference must exceed Z standard errors


@dataclass(frozen=True)
class Paired:
    """The paired differences a − b over n seeds and what they say."""
    diffs: tuple[float, ...]
    a: str = "a"
    b: str = "b"

    @property
    def n(self) -> int:
        return len(self.diffs)

    @property
    def mean(self) -> float:
        return sum(self.diffs) / self.n

    @property
    def se(self) -> float:
        """Standard error of the mean difference: sd (n − 1 in the denominator) / √n; nan for one seed."""
        if self.n < 2:
            return math.nan
        var = sum((d - self.mean) ** 2 for d in self.diffs) / (self.n - 1)
        return math.sqrt(var / self.n)

    @property
    def lower(self) -> int:
        """How many seeds have a below b."""
        return sum(d < 0 for d in self.diffs)

    @property
    def higher(self) -> int:
        return sum(d > 0 for d in self.diffs)

    @property
    def distinguishable(self) -> bool:
        return self.n >= 2 and max(self.lower, self.higher) == self.n and abs(self.mean) > Z * self.se

    @property
    def direction(self) -> int:
        """−1 if a is distinguishably lower than b, +1 if distinguishably higher, 0 if not distinguishable."""
        return 0 if not self.distinguishable else (-1 if self.mean < 0 else 1)

    @property
    def verdict(self) -> str:
        size = f"{abs(self.mean):.3f} ± {self.se:.3f}"
        if self.distinguishable:
            side = "lower" if self.mean < 0 else "higher"
            return (f"{self.a} {side} than {self.b} in {self.n} of {self.n} seeds, by {size}: "
                    f"unlikely to be noise with {self.n} seeds")
        return (f"{self.a} vs {self.b}: not distinguishable with {self.n} seeds "
                f"(paired difference {self.mean:+.3f} ± {self.se:.3f}, lower in {self.lower} of {self.n})")

    def __str__(self) -> str:
        return self.verdict


def paired(a, b, *, names: tuple[str, str] = ("a", "b")) -> Paired:
    """Compare runs a and b (one value per seed, same seed order): a − b seed by seed."""
    a = torch.as_tensor(a, dtype=torch.float64).flatten()
    b = torch.as_tensor(b, dtype=torch.float64).flatten()
    if len(a) != len(b) or len(a) == 0:
        raise ValueError(f"a and b must hold one value per seed, the same seeds, got {len(a)} and {len(b)} values")
    if not (torch.isfinite(a).all() and torch.isfinite(b).all()):
        raise ValueError(f"a and b must be finite losses, got {a.tolist()} and {b.tolist()}")
    return Paired(tuple((a - b).tolist()), *names)


@dataclass
class Runs:
    """val[s, r]: the value (a validation loss, lower is better) of setting s (in `labels` order) with seed seeds[r]."""
    labels: list[str]
    seeds: list[int]
    val: torch.Tensor                   # (settings, seeds)

    def mean(self, label: str) -> float:
        return self.runs(label).mean().item()

    def spread(self, label: str) -> float:
        """Standard deviation over seeds (n − 1 in the denominator; 0 for a single seed)."""
        row = self.runs(label)
        return row.std().item() if len(row) > 1 else 0.0

    @property
    def best(self) -> str:
        """The setting with the lowest mean."""
        return self.best_of(self.labels)

    def best_of(self, labels: list[str]) -> str:
        """Of these settings, the one with the lowest mean."""
        return min(labels, key=self.mean)

    def runs(self, label: str) -> torch.Tensor:
        """The value of each seed's run of this setting, (seeds,)."""
        if label not in self.labels:
            raise ValueError(f"no setting {label!r} in this sweep; settings: {self.labels}")
        return self.val[self.labels.index(label)]

    def compare(self, a: str, b: str) -> Paired:
        """Setting a against setting b, seed by seed (this module's rule)."""
        return paired(self.runs(a), self.runs(b), names=(a, b))

    def tied_with_best(self, labels: list[str] | None = None) -> list[str]:
        """Settings (of `labels`, default all) not distinguishable from the best of them, seed by seed; the best is
        among them. Only outside this set is a difference unlikely to be noise."""
        labels = self.labels if labels is None else labels
        best = self.best_of(labels)
        return [label for label in labels if label == best or not self.compare(label, best).distinguishable]

    def record(self, test: Mapping[str, float] | None = None) -> dict:
        """These runs as plain data, {"labels", "seeds", "val": [[...], ...]}, plus "test": {label: loss} for the
        settings whose test loss was looked at, when given (so a checker can tell how often test was read)."""
        out = {"labels": list(self.labels), "seeds": list(self.seeds), "val": self.val.tolist()}
        if test is not None:
            unknown = [label for label in test if label not in self.labels]
            if unknown:
                raise ValueError(f"test names {unknown[0]!r}, not a setting of these runs: {self.labels}")
            out["test"] = {label: float(loss) for label, loss in test.items()}
        return out

    @classmethod
    def from_record(cls, record: Any) -> Runs:
        """The runs of a record (as `record` writes it); ValueError naming what is wrong with any other value."""
        if not isinstance(record, dict) or not {"labels", "seeds", "val"} <= set(record):
            raise ValueError('a run record is a dict with "labels", "seeds" and "val"')
        labels, seeds = record["labels"], record["seeds"]
        if not (isinstance(labels, (list, tuple)) and labels and all(isinstance(x, str) for x in labels)
                and len(set(labels)) == len(labels)):
            raise ValueError(f"the record's labels must be distinct strings, got {labels!r}"[:300])
        if not (isinstance(seeds, (list, tuple)) and seeds and all(isinstance(x, int) for x in seeds)):
            raise ValueError(f"the record's seeds must be a list of integers, got {seeds!r}"[:300])
        try:
            val = torch.as_tensor(record["val"], dtype=torch.float64)
        except (TypeError, ValueError, RuntimeError):
            raise ValueError("the record's val must be a table of numbers, one row per label") from None
        if val.shape != (len(labels), len(seeds)) or not torch.isfinite(val).all():
            raise ValueError(f"the record's val must hold {len(labels)} × {len(seeds)} finite numbers (labels × "
                             f"seeds), got shape {tuple(val.shape)}")
        return cls(list(labels), list(seeds), val)

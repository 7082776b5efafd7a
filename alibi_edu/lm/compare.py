"""Compare two settings seed by seed: the one rule every "tied", "flat", "rises" or "lower" in the course uses.

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
from dataclasses import dataclass

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

"""alibi_edu — the math, explorers and exercises behind the ALiBi course notebooks."""
from ._validate import memory_cap, set_memory_cap
from .attention import alibi_attention, attention_scores, attention_weights
from .bias import alibi_bias, causal_mask, linear_bias, relative_positions
from .slopes import geometric_slopes

__all__ = [
    "geometric_slopes",
    "relative_positions", "linear_bias", "alibi_bias", "causal_mask",
    "attention_scores", "attention_weights", "alibi_attention",
    "set_memory_cap", "memory_cap",
]

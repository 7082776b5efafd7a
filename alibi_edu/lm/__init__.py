"""A tiny character-level language model to run ALiBi experiments on a laptop CPU."""
from ..paired import Paired, Runs, paired
from .batched import StackedLM, train_stacked
from .data import ECHO_K16_BETA, Corpus, echo_task, load_corpus, load_text, split_indices
from .generation import generate
from .model import METHODS, KVCache, ModelConfig, TinyLM, alibi_slopes, attention_source
from .reach import mass_beyond
from .scales import CountLM, baseline_losses, baselines, echo_best_loss
from .sweep import Sweep, estimate_seconds, length_curves, length_runs, refine, seed_sweep
from .training import (
           Run,
           Table,
           TrainConfig,
           evaluate,
           length_curve,
           loss_by_position,
           quick_mode,
           scored_positions,
           train,
)

__all__ = ["CountLM", "baseline_losses", "baselines", "echo_best_loss", "Paired", "Runs", "paired", "mass_beyond",
           "Corpus", "ECHO_K16_BETA", "echo_task", "load_corpus", "load_text", "split_indices", "METHODS", "KVCache",
           "ModelConfig",
           "TinyLM", "alibi_slopes", "attention_source", "generate", "StackedLM", "train_stacked", "Sweep",
           "estimate_seconds", "length_curves", "length_runs", "refine", "seed_sweep",
           "Run", "Table", "TrainConfig", "evaluate", "length_curve", "loss_by_position", "quick_mode",
           "scored_positions", "train"]

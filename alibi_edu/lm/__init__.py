"""A tiny character-level language model to run ALiBi experiments on a laptop CPU."""
from .batched import StackedLM, train_stacked
from .data import Corpus, echo_task, load_corpus, load_text, split_indices
from .model import METHODS, ModelConfig, TinyLM, alibi_slopes
from .sweep import Sweep, estimate_seconds, evaluate_stack, length_curves, refine, seed_sweep
from .train import Run, Table, TrainConfig, evaluate, length_curve, quick_mode, sweep, train

__all__ = ["Corpus", "echo_task", "load_corpus", "load_text", "split_indices", "METHODS", "ModelConfig", "TinyLM",
           "alibi_slopes", "StackedLM", "train_stacked", "Sweep", "estimate_seconds", "evaluate_stack", "length_curves",
           "refine", "seed_sweep",
           "Run", "Table", "TrainConfig", "evaluate", "length_curve", "quick_mode", "sweep", "train"]

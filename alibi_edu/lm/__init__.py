"""A tiny character-level language model to run ALiBi experiments on a laptop CPU."""
from .data import Corpus, load_corpus, load_text
from .model import METHODS, ModelConfig, TinyLM, alibi_slopes
from .train import Run, Table, TrainConfig, evaluate, length_curve, quick_mode, sweep, train

__all__ = ["Corpus", "load_corpus", "load_text", "METHODS", "ModelConfig", "TinyLM", "alibi_slopes",
           "Run", "Table", "TrainConfig", "evaluate", "length_curve", "quick_mode", "sweep", "train"]

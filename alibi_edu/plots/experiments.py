"""Figures of the experiments: validation loss against beta, loss against evaluation length."""
__all__: list[str] = []

"""One torch thread while the course's tiny models run."""
from __future__ import annotations

from contextlib import contextmanager

import torch


@contextmanager
def one_thread():
    """Run torch on one thread inside the block, then restore the count: for tensors this small a second intra-op
    thread only waits for a free core, and on a busy machine that doubled the time of a step."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)

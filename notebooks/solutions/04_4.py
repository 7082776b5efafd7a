# 04.4 — at k = 4 nothing beyond 4 steps back helps: a steeper penalty (a larger β) loses nothing useful and keeps
# the useless symbols out of the mix
from alibi_edu import lm
from alibi_edu.exercises import check

prediction = "higher"

try:
    what_if, k16  # noqa: B018 (does the notebook's run exist?) — in the notebook: the run of 04.4's cell
    if what_if is None:
        raise NameError
except NameError:            # on its own: the same run as the notebook's cell
    k16 = lm.ECHO_K16_BETA   # section 4's choice at k = 16
    what_if = lm.seed_sweep(lm.echo_task(k=4), {f"β = {b:g}": dict(beta=b) for b in sorted({0.3, 1.0, 3.0, 10.0, k16})},
                            seeds=[0, 1, 2], config=lm.TrainConfig(steps=200, batch_size=16, seq_len=64),
                            n_tokens=8192, progress=False, d_model=32, n_heads=2, n_layers=2)
answer = {"prediction": prediction, "run": what_if.record(), "k16": k16}
check("04.4", answer)

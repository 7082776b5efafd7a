# 05.6 — trained on 16 characters, a query never saw more than 16 keys; at 256 the flattest heads spread their weight
# over keys farther back than any in training, and the loss rises
from alibi_edu import lm
from alibi_edu.exercises import check

prediction = "higher"

try:
    short_at  # noqa: B018 (does the notebook's run exist?) — in the notebook: the losses of 05.6's cell
except NameError:            # on its own: the same run as the notebook's cell
    corpus = lm.load_corpus()
    short_run = lm.seed_sweep(corpus, {"alibi": dict(method="alibi")}, seeds=[0, 1, 2],
                              config=lm.TrainConfig(steps=200, batch_size=16, seq_len=16), n_tokens=8192,
                              progress=False, d_model=32, n_heads=4, n_layers=2)
    short_at = lm.length_runs(short_run, ["alibi"], corpus.val, [16, 256], n_tokens=8192)["alibi"]
answer = {"prediction": prediction, "at 16": short_at[16].tolist(), "at 256": short_at[256].tolist()}
check("05.6", answer)

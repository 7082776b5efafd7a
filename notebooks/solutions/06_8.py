# 06.8 — the bias is defined at any distance; most heads keep their weight within L_train
from alibi_edu.exercises import check

answer = "C"
check("06.8", answer)

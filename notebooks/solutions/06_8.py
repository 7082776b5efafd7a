# 06.8 — steep heads give unseen distances next to no weight; the flat heads' far weight did no harm
from alibi_edu.exercises import check

answer = "C"
check("06.8", answer)

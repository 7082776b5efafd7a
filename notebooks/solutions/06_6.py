# 06.6 — is_causal counts from the top left: the one new query is row 0 and sees key 0 only
from alibi_edu.exercises import check

answer = "A"
check("06.6", answer)

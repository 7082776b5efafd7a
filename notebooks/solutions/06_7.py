# 06.7 — closing quiz, C, the causal mask: exp(−inf) = 0, softmax renormalises over the visible keys
answer = "A"

answer = "B"   # 02.2 — -inf before softmax gives e^(-inf) = 0; the rest still sums to 1

# 06.11 — closing quiz, G, where next: keep the discriminator, add a classification head
answer = "C"

"""Benchmarks: mytorch against the same computation written by hand in NumPy.

Each workload module holds two versions of one forward + backward computation, side by side:
the mytorch one (`Tensor` ops and `.backward()`) and a NumPy one whose backward is derived by
hand and written out op for op. Both are checked to give the same numbers before anything is
timed, then timed interleaved (mytorch, NumPy, mytorch, ...) after a warm-up; the median of many
repeats is what counts, because machines are noisy.

    overhead     a chain of 200 small ops (16 floats): the cost of the framework per op
    elementwise  y = tanh(x·w + b)·x on 1M float32 elements, summed, backward to x, w, b
    matmul       C = A·B for 512×512 float32, backward with a given gradient G
    mlp          one SGD training step of a 784-256-256-10 ReLU MLP, batch 128, cross-entropy
    cnn          one SGD training step of conv-relu-pool ×2 + linear on 64 images of 1×28×28
    lstm         one Adam training step of an LSTM (32→128, 32 steps, batch 32) + linear head
    transformer  one AdamW training step of a 2-block GPT (width 128, 4 heads, seq 64, batch 16)

Run `python -m benchmarks` from the repository root (`make bench`); `--quick` for a short run,
`--json PATH` to keep the numbers. Speed is measured here and never asserted in tests.

Both sides use the same BLAS with one thread (OPENBLAS_NUM_THREADS=1 unless already set), so a
ratio compares the framework, not thread scheduling. Each turn of a side starts with one
untimed call, and `python -m benchmarks` asks glibc's malloc to keep freed memory
(`__main__.steady_allocator`): both so that what is timed is a training loop's steady state,
not the allocator handing memory back and forth between two programs that take turns. The variables are set here, before NumPy
is first imported, which is why this file imports nothing else first.
"""
import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

WORKLOADS = ("overhead", "elementwise", "matmul", "mlp", "cnn", "lstm", "transformer")

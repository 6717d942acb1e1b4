"""AdaptiveLogSoftmaxWithLoss: a softmax over very many classes (words), cheap because most of
the probability mass sits in a few frequent ones (Grave et al., "Efficient softmax
approximation for GPUs", 2016), as `torch.nn.AdaptiveLogSoftmaxWithLoss`.

Classes sorted by frequency are cut at `cutoffs` into a shortlist [0, c₀) and clusters
[c₀, c₁), [c₁, c₂), ... The head scores the shortlist and one entry per cluster; a class in
cluster k is scored by that cluster's entry and then within the cluster by its own small
network, whose hidden size shrinks by div_value per cluster:

    log p(c) = log softmax(head(x))[c]                          c in the shortlist
    log p(c) = log softmax(head(x))[c₀ + k] + log softmax(tailₖ(x))[c − cₖ]   c in cluster k
"""
import itertools
from collections import namedtuple

from . import functional as F
from .containers import ModuleList, Sequential
from .linear import Linear
from .module import Module
from .. import ops

_ASMoutput = namedtuple("_ASMoutput", ["output", "loss"])


class AdaptiveLogSoftmaxWithLoss(Module):
    """forward(input (N, in_features), target (N,)) -> (output, loss): output (N,) the log
    probability of each target, loss the mean of −output; unbatched (in_features,) and ()
    give a 0-d output. log_prob(input) -> (N, n_classes); predict(input) -> (N,) classes.

    head: Linear(in_features, c₀ + n_clusters, bias=head_bias); tail[k]: Linear(in_features,
    in_features // div_value^(k+1), bias=False), then Linear to the cluster's size.
    """

    def __init__(self, in_features, n_classes, cutoffs, div_value=4.0, head_bias=False,
                 device=None, dtype=None):
        super().__init__()
        cutoffs = list(cutoffs)
        if len(cutoffs) == 0:
            raise ValueError("cutoffs should be a sequence of length larger than 0")
        if (cutoffs != sorted(cutoffs) or min(cutoffs) <= 0 or max(cutoffs) > n_classes - 1
                or len(set(cutoffs)) != len(cutoffs) or any(int(c) != c for c in cutoffs)):
            raise ValueError("cutoffs should be a sequence of unique, positive integers sorted "
                             "in an increasing order, where each value is between 1 and "
                             "n_classes-1")
        self.in_features = in_features
        self.n_classes = n_classes
        self.cutoffs = cutoffs + [n_classes]
        self.div_value = div_value
        self.head_bias = head_bias
        self.shortlist_size = self.cutoffs[0]
        self.n_clusters = len(self.cutoffs) - 1
        self.head_size = self.shortlist_size + self.n_clusters
        kw = {"device": device, "dtype": dtype}
        self.head = Linear(in_features, self.head_size, bias=head_bias, **kw)
        self.tail = ModuleList()
        for i in range(self.n_clusters):
            hidden = int(in_features // (div_value ** (i + 1)))
            size = self.cutoffs[i + 1] - self.cutoffs[i]
            self.tail.append(Sequential(Linear(in_features, hidden, bias=False, **kw),
                                        Linear(hidden, size, bias=False, **kw)))

    def reset_parameters(self):
        self.head.reset_parameters()
        for i2h, h2o in self.tail:
            i2h.reset_parameters()
            h2o.reset_parameters()

    def forward(self, input_, target_):
        if target_.dim() == 1:
            if input_.shape[0] != target_.shape[0]:
                raise RuntimeError("Input and target should have the same size in the batch "
                                   "dimension.")
            if input_.dim() != 2:
                raise RuntimeError(f"1D target tensor expects 2D input tensors, but found "
                                   f"inputs with size {input_.shape}")
        elif target_.dim() == 0:
            if input_.dim() != 1:
                raise RuntimeError(f"0D target tensor expects 1D input tensors, but found "
                                   f"inputs with size {input_.shape}")
        else:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        batched = target_.dim() > 0
        input = input_ if batched else input_.unsqueeze(0)
        target = target_ if batched else target_.unsqueeze(0)
        if target.numel():
            lo, hi = ops.stack([target.min(), target.max()]).tolist()
            if lo < 0 or hi >= self.n_classes:
                raise RuntimeError(f"Target values should be in [0, {self.n_classes - 1}], but "
                                   f"values in range [{lo}, {hi}] were found. ")
        # per row: the head entry to read (the class itself, or its cluster's entry) and,
        # for a class in a cluster, its log probability within the cluster
        head_index = target
        within = input.new_zeros(target.shape[0])
        for k, (low, high) in enumerate(itertools.pairwise(self.cutoffs)):
            rows = ((target >= low) & (target < high)).nonzero().squeeze(1)
            if rows.numel() == 0:
                continue
            head_index = head_index.index_fill(0, rows, self.shortlist_size + k)
            logprob = F.log_softmax(self.tail[k](input.index_select(0, rows)), dim=1)
            picked = logprob.gather(1, (target.index_select(0, rows) - low).unsqueeze(1))
            within = within.index_copy(0, rows, picked.squeeze(1))
        head_logprob = F.log_softmax(self.head(input), dim=1)
        output = within + head_logprob.gather(1, head_index.unsqueeze(1)).squeeze(1)
        loss = (-output).mean()
        return _ASMoutput(output if batched else output.squeeze(0), loss)

    def _get_full_log_prob(self, input, head_output):
        """(N, n_classes) log probabilities, from the input and the head's output."""
        head_logprob = F.log_softmax(head_output, dim=1)
        parts = [head_logprob[:, :self.shortlist_size]]
        for k, tail in enumerate(self.tail):
            parts.append(F.log_softmax(tail(input), dim=1)
                         + head_logprob[:, self.shortlist_size + k].unsqueeze(1))
        return ops.cat(parts, dim=1)

    def log_prob(self, input):
        """log p(c | x) for every class c: (N, in_features) -> (N, n_classes)."""
        return self._get_full_log_prob(input, self.head(input))

    def predict(self, input):
        """argmax_c p(c | x), (N, in_features) -> (N,); the clusters are only evaluated for the
        rows whose best head entry is a cluster (a shortlist class that wins in the head wins
        overall: a cluster's classes share, and split, their entry's probability)."""
        head_output = self.head(input)
        output = head_output.argmax(dim=1)
        outside = output >= self.shortlist_size
        if not bool(outside.any()):
            return output
        if bool(outside.all()):
            return self._get_full_log_prob(input, head_output).argmax(dim=1)
        rows = outside.nonzero().squeeze(1)
        best = self._get_full_log_prob(input.index_select(0, rows),
                                       head_output.index_select(0, rows)).argmax(dim=1)
        return output.index_copy(0, rows, best)

"""GPT: a decoder-only Transformer language model (Radford et al., "Improving Language
Understanding by Generative Pre-Training", 2018; "Language Models are Unsupervised Multitask
Learners", 2019), laid out as nanoGPT lays it out (the same module names, so the same
state-dict keys), with the variants later models made popular.

The model reads token ids and predicts, at every position, the next token:

    idx                                        (B, T) int64, T ≤ block_size
    drop(wte(idx) + wpe(0..T−1))               (B, T, C)     token + position embeddings
    h: n_layer × Block                         (B, T, C)
    ln_f                                       (B, T, C)
    lm_head (weight = wte.weight, tied)        (B, T, V)     logits of the next token

    Block (pre-norm):   x = x + attn(ln_1(x));   x = x + mlp(ln_2(x))
    attn:   q, k, v = split(c_attn(x)), each (B, H, T, d), d = C/H
            y = softmax(q·kᵀ/√d + causal mask)·v       query t sees keys 0..t only
            c_proj(concat of the heads), dropout
    mlp:    c_proj(gelu(c_fc(x))), 4·C hidden units, dropout

Parameters (learned positions, LayerNorm, GELU, bias, tied head): V·C + T·C + n_layer·(12·C² +
13·C) + 2·C; GPT-2 small (V = 50257, T = 1024, 12 layers, C = 768) has 124,439,808. The tied
head is the token embedding itself: one Parameter, counted once by `parameters()` (it appears
under both names in the state dict, as in PyTorch).

Variants (GPTConfig):

    pos='rope'       no wpe: in every layer q and k are rotated by their position (Su et al.
                     2021, RoFormer; `nn.positional.RotaryEmbedding`, half-split as GPT-NeoX
                     and LLaMA: the pair (x[i], x[i + d/2]) turns by pos·θᵢ, θᵢ =
                     rope_base^(−2i/d)), so that q·k depends on the distance between positions
    norm='rmsnorm'   RMSNorm (Zhang and Sennrich 2019) instead of LayerNorm
    mlp='swiglu'     c_proj(silu(c_gate(x)) · c_fc(x)) (Shazeer 2020), int(8·C/3) hidden units,
                     about the parameters of the 4·C GELU MLP
    tie_weights      False: lm_head gets its own weight

Initialisation (GPT-2's): every Linear and Embedding weight N(0, 0.02²), biases zero, norms
γ = 1, β = 0; the projections that write into the residual stream (the `c_proj` of attention
and MLP) N(0, (0.02/√(2·n_layer))²), so that the stream's variance does not grow with depth.

Generation: `generate` appends tokens one at a time, with a key/value cache: each layer keeps
the keys and values of the positions seen so far, so a new token costs one position's work
(its keys and values are concatenated to the cache, its position is the cache's length). A
sequence may not outgrow block_size: once it would, the model reads the last block_size tokens
only, at positions 0..block_size−1 again, which invalidates every cached key (positions shift,
and in deeper layers every token's keys depend on the tokens that fell out), so from then on
each step recomputes the whole window from scratch. With or without the cache the tokens are
the same. Training loops live in `examples/`, not here.
"""
import math
from dataclasses import dataclass

from .. import nn, ops, optim
from ..autograd import no_grad
from ..dtypes import bool as bool_
from ..factories import arange, ones
from ..nn import functional as F
from ..nn import init
from ..nn.positional import RotaryEmbedding, apply_rotary


@dataclass
class GPTConfig:
    """The hyper-parameters of a GPT; the defaults are GPT-2 small's (124M) with nanoGPT's
    vocabulary rounded up to 50304 (a multiple of 64)."""
    vocab_size: int = 50304
    block_size: int = 1024          # the longest sequence the model reads
    n_layer: int = 12
    n_head: int = 12
    n_embd: int = 768
    dropout: float = 0.0
    bias: bool = True               # biases in the Linears and LayerNorms
    pos: str = "learned"            # 'learned' | 'rope'
    norm: str = "layernorm"         # 'layernorm' | 'rmsnorm'
    mlp: str = "gelu"               # 'gelu' | 'swiglu'
    tie_weights: bool = True        # lm_head.weight is wte.weight
    rope_base: float = 10000.0

    def __post_init__(self):
        for name, allowed in (("pos", ("learned", "rope")), ("norm", ("layernorm", "rmsnorm")),
                              ("mlp", ("gelu", "swiglu"))):
            if getattr(self, name) not in allowed:
                raise ValueError(f"GPTConfig: {name} must be one of {allowed}, got "
                                 f"{getattr(self, name)!r}")
        if self.n_embd % self.n_head:
            raise ValueError(f"GPTConfig: n_embd={self.n_embd} must be divisible by "
                             f"n_head={self.n_head}")
        if self.pos == "rope" and (self.n_embd // self.n_head) % 2:
            raise ValueError(f"GPTConfig(pos='rope'): the head size n_embd/n_head = "
                             f"{self.n_embd // self.n_head} must be even (pairs are rotated)")


def _norm(config):
    if config.norm == "rmsnorm":
        return nn.RMSNorm(config.n_embd, eps=1e-5)
    return nn.LayerNorm(config.n_embd, bias=config.bias)


class CausalSelfAttention(nn.Module):
    """Multi-head self-attention in which position t attends to positions ≤ t.
    forward(x (B, T, C), rope=None, past=None) -> (y (B, T, C), (k, v)), where k, v
    (B, H, S, d) are the keys and values of all S positions read so far: past's (the cache)
    followed by x's. rope: (cos, sin) (T, d) of x's positions, from RotaryEmbedding.cos_sin."""

    def __init__(self, config):
        super().__init__()
        self.n_head = config.n_head
        self.n_embd = config.n_embd
        self.dropout = config.dropout
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.resid_dropout = nn.Dropout(config.dropout)

    def forward(self, x, rope=None, past=None):
        B, T, C = x.shape
        H = self.n_head
        # (B, T, C) -> (B, H, T, d): the heads become a batch dimension
        q, k, v = (t.reshape(B, T, H, C // H).transpose(1, 2)
                   for t in self.c_attn(x).split(C, dim=2))
        if rope is not None:
            q, k = apply_rotary(q, k, *rope)
        if past is not None:
            k, v = ops.cat([past[0], k], 2), ops.cat([past[1], v], 2)
        S = k.shape[2]
        dropout_p = self.dropout if self.training else 0.0
        if S == T:
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout_p, is_causal=True)
        else:
            # the new queries sit at positions S−T..S−1: query i sees keys j ≤ S − T + i
            # (is_causal would align the triangle to the top-left corner instead)
            mask = None if T == 1 else ops.tril(ones((T, S), dtype=bool_, device=x.device),
                                                diagonal=S - T)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout_p)
        y = y.transpose(1, 2).reshape(B, T, C)
        return self.resid_dropout(self.c_proj(y)), (k, v)


class MLP(nn.Module):
    """The position-wise feed-forward block: c_proj(gelu(c_fc(x))), 4·C hidden units."""

    def __init__(self, config):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(F.gelu(self.c_fc(x))))


class SwiGLU(nn.Module):
    """The gated feed-forward block: c_proj(silu(c_gate(x)) · c_fc(x)), int(8·C/3) hidden
    units (three matrices of that size hold about as many numbers as the GELU MLP's two)."""

    def __init__(self, config):
        super().__init__()
        hidden = 8 * config.n_embd // 3
        self.c_gate = nn.Linear(config.n_embd, hidden, bias=config.bias)
        self.c_fc = nn.Linear(config.n_embd, hidden, bias=config.bias)
        self.c_proj = nn.Linear(hidden, config.n_embd, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(F.silu(self.c_gate(x)) * self.c_fc(x)))


class Block(nn.Module):
    """A pre-norm Transformer block: x = x + attn(ln_1(x)); x = x + mlp(ln_2(x)).
    forward(x, rope=None, past=None) -> (x, (k, v)) as CausalSelfAttention."""

    def __init__(self, config):
        super().__init__()
        self.ln_1 = _norm(config)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = _norm(config)
        self.mlp = SwiGLU(config) if config.mlp == "swiglu" else MLP(config)

    def forward(self, x, rope=None, past=None):
        a, present = self.attn(self.ln_1(x), rope, past)
        x = x + a
        return x + self.mlp(self.ln_2(x)), present


def top_k_top_p_filtering(logits, top_k=None, top_p=None, filter_value=-math.inf):
    """logits (..., V) with the tokens that sampling must not pick set to `filter_value`:

    top_k   all but the k largest logits (ties with the k-th are kept)
    top_p   nucleus (Holtzman et al. 2020): all but the smallest set of most probable tokens
            whose probability reaches top_p; a token is kept when the tokens more probable
            than it hold less than top_p, so the most probable one always stays

    Both given: top-k first, then top-p on what is left."""
    V = logits.shape[-1]
    if top_k is not None:
        if top_k <= 0:
            raise ValueError(f"top_k must be a positive integer, got {top_k}")
        kth = logits.topk(min(int(top_k), V), dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, filter_value)
    if top_p is not None:
        if not 0.0 < top_p <= 1.0:
            raise ValueError(f"top_p must be in (0, 1], got {top_p}")
        sorted_logits, order = logits.sort(dim=-1, descending=True)
        probs = F.softmax(sorted_logits, dim=-1)
        before = probs.cumsum(-1) - probs                 # the mass of the more probable tokens
        remove = before >= top_p
        remove = remove.scatter(-1, order, remove)        # back to vocabulary order
        logits = logits.masked_fill(remove, filter_value)
    return logits


class GPT(nn.Module):
    """A GPT language model (see the module docstring for the layout and its shapes).

    forward(idx (B, T) int64, targets=None) -> (logits (B, T, V), loss): loss is the mean
    cross-entropy of the next-token predictions against `targets` (B, T) (positions whose
    target is −1 are ignored, as nanoGPT), or None without targets.
    """

    def __init__(self, config):
        super().__init__()
        self.config = config
        C = config.n_embd
        modules = dict(wte=nn.Embedding(config.vocab_size, C))
        if config.pos == "learned":
            modules["wpe"] = nn.Embedding(config.block_size, C)
        else:                               # no parameters; its θ table is not saved
            modules["rope"] = RotaryEmbedding(C // config.n_head, config.rope_base)
        modules.update(drop=nn.Dropout(config.dropout),
                       h=nn.ModuleList([Block(config) for _ in range(config.n_layer)]),
                       ln_f=_norm(config))
        self.transformer = nn.ModuleDict(modules)
        self.lm_head = nn.Linear(C, config.vocab_size, bias=False)
        if config.tie_weights:
            self.lm_head.weight = self.transformer.wte.weight
        self.apply(self._init_weights)
        residual_std = 0.02 / math.sqrt(2 * config.n_layer)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                init.normal_(p, 0.0, residual_std)

    @staticmethod
    def _init_weights(module):
        if isinstance(module, nn.Linear):
            init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            init.normal_(module.weight, 0.0, 0.02)

    def num_parameters(self, non_embedding=False):
        """The number of numbers the model learns (a tied weight once). non_embedding=True
        leaves out the position embedding and an untied token embedding (the tied one is the
        output layer's weight, so it stays), as the scaling-law papers count."""
        n = sum(p.numel() for p in self.parameters())
        if non_embedding:
            if "wpe" in self.transformer:
                n -= self.transformer.wpe.weight.numel()
            if not self.config.tie_weights:
                n -= self.transformer.wte.weight.numel()
        return n

    def _trunk(self, idx, past_key_values=None):
        """The hidden states after ln_f (B, T, C) and each layer's (k, v), for the tokens idx
        following the cached ones (their positions start at the cache's length)."""
        if idx.ndim != 2 or idx.dtype.is_floating_point:
            raise ValueError(f"GPT expects token ids of shape (B, T) and an integer dtype, got "
                             f"shape {tuple(idx.shape)} and dtype {idx.dtype}")
        T = idx.shape[1]
        offset = 0 if past_key_values is None else past_key_values[0][0].shape[2]
        if offset + T > self.config.block_size:
            raise ValueError(f"GPT: cannot read {offset + T} positions ({offset} cached + {T} "
                             f"new), block_size is only {self.config.block_size}")
        t = self.transformer
        x = t.wte(idx)
        positions = arange(offset, offset + T, device=idx.device)
        rope = None
        if self.config.pos == "learned":
            x = x + t.wpe(positions)
        else:                               # one (cos, sin) table for every layer
            rope = t.rope.cos_sin(positions, x.dtype)
        x = t.drop(x)
        presents = []
        for i, block in enumerate(t.h):
            x, present = block(x, rope, None if past_key_values is None else past_key_values[i])
            presents.append(present)
        return t.ln_f(x), presents

    def forward(self, idx, targets=None):
        x, _ = self._trunk(idx)
        logits = self.lm_head(x)
        if targets is None:
            return logits, None
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                               ignore_index=-1)
        return logits, loss

    def forward_with_cache(self, idx, past_key_values=None):
        """Incremental forward: idx (B, T) are the tokens after the cached ones. Returns
        (logits (B, T, V), past_key_values), the latter a list with one (k, v) per layer,
        each (B, H, S, d) for the S positions read so far; pass it back with the next tokens.
        S may not exceed block_size."""
        x, presents = self._trunk(idx, past_key_values)
        return self.lm_head(x), presents

    @no_grad()
    def generate(self, idx, max_new_tokens, temperature=1.0, top_k=None, top_p=None,
                 do_sample=True, use_cache=True, generator=None):
        """idx (B, T) followed by max_new_tokens tokens, each chosen from the model's
        prediction for the next position: the most probable one (do_sample=False, greedy), or
        drawn from softmax(logits / temperature) filtered by top_k / top_p
        (`top_k_top_p_filtering`), with `generator` as the source of randomness. The model
        reads at most the last block_size tokens. use_cache=False recomputes the whole window
        at every step (the same tokens, slower). Dropout applies as in the model's mode: call
        `eval()` first."""
        if do_sample and temperature <= 0:
            raise ValueError(f"generate: temperature must be positive when sampling, got "
                             f"{temperature} (do_sample=False picks the most probable token)")
        block = self.config.block_size
        past = None
        for _ in range(max_new_tokens):
            if not use_cache:
                x, _ = self._trunk(idx[:, -block:])
            elif past is None or past[0][0].shape[2] == block:
                # first step, or the window is full and slides: the cache is stale (see the
                # module docstring), read the last block_size tokens afresh
                x, past = self._trunk(idx[:, -block:])
            else:
                x, past = self._trunk(idx[:, -1:], past)
            logits = self.lm_head(x[:, -1, :])                      # (B, V)
            if do_sample:
                logits = top_k_top_p_filtering(logits / temperature, top_k, top_p)
                next_token = F.softmax(logits, dim=-1).multinomial(1, generator=generator)
            else:
                next_token = logits.argmax(-1, keepdim=True)
            idx = ops.cat([idx, next_token], 1)
        return idx

    def configure_optimizers(self, weight_decay=0.1, lr=6e-4, betas=(0.9, 0.95), eps=1e-8):
        """AdamW with two parameter groups, as nanoGPT: weight decay on the matrices (every
        parameter of ≥ 2 dimensions: the Linear weights and the embeddings), none on biases
        and norm gains, whose size should not be pulled towards zero."""
        params = [p for p in self.parameters() if p.requires_grad]
        groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": weight_decay},
                  {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
        return optim.AdamW(groups, lr=lr, betas=betas, eps=eps)

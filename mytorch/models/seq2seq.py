"""An encoder-decoder Transformer for sequence-to-sequence tasks (Vaswani et al., "Attention Is
All You Need", 2017): translation, copying, reversing, any map from one token sequence to
another. Built around `nn.Transformer`, as PyTorch's translation tutorial builds it.

    src                                        (B, S) int64
    src_tok_emb(src)·√d + PE                   (B, S, d)     PE: sinusoidal positions
    transformer.encoder                        (B, S, d)     memory
    tgt_in                                     (B, T) int64  bos y₁ … y_{T−1} (shifted right)
    tgt_tok_emb(tgt_in)·√d + PE                (B, T, d)
    transformer.decoder(·, memory)             (B, T, d)     causal self-attention, then
                                                             attention to the memory
    out_proj                                   (B, T, V)     logits of y₁ … y_T

Token embeddings start N(0, 1/d), so that after the scaling by √d they are of the same size
as the positional encoding (±1). The rest is nn.Transformer's initialisation (xavier_uniform_
for its matrices) and nn.Linear's for out_proj.

Masks, as PyTorch's: a key padding mask is boolean (B, S) or (B, T), True where the token is
padding; the encoder's self-attention and the decoder's cross-attention ignore padded source
positions, the decoder's self-attention padded target ones. The causal target mask (query t
sees t' ≤ t) is built inside.

Decoding (call `eval()` first, so that dropout is off): `greedy_decode` and `beam_search`
return (B, L) int64 tokens, each row bos y₁ … eos, with rows that ended early filled up with
eos: cut each at its first eos. nn.TransformerDecoder keeps no key/value cache, so each step
runs the decoder over the whole prefix again (quadratic in the length; fine for short
outputs). `cross_attention_weights` gives the last decoder layer's attention to the source,
for heat maps of what each output token looked at.
"""
import math

from .. import nn, ops
from ..autograd import no_grad
from ..dtypes import bool as bool_
from ..dtypes import int64
from ..factories import full, tensor, zeros
from ..nn import functional as F
from ..nn import init
from ..nn.positional import SinusoidalPositionalEncoding


def _length_penalty(length, alpha):
    """GNMT's length normalisation (Wu et al. 2016): ((5 + |Y|)/6)^α; hypotheses are ranked by
    log P(Y) / lp(|Y|), so that longer ones are not beaten just for having more negative
    terms. α = 0: plain log-probability."""
    return ((5.0 + length) / 6.0) ** alpha


class Seq2SeqTransformer(nn.Module):
    """An encoder-decoder Transformer over token ids (see the module docstring for the layout).

    forward(src (B, S), tgt_in (B, T), src_key_padding_mask=None, tgt_key_padding_mask=None)
    -> logits (B, T, tgt_vocab_size) of the next target token at every target position.
    max_len: the longest source or target sequence (the positional table's length).
    """

    def __init__(self, src_vocab_size, tgt_vocab_size, d_model=128, nhead=4,
                 num_encoder_layers=3, num_decoder_layers=3, dim_feedforward=512, dropout=0.1,
                 max_len=512, activation="relu", norm_first=False):
        super().__init__()
        self.d_model = d_model
        self.max_len = max_len
        self.src_tok_emb = nn.Embedding(src_vocab_size, d_model)
        self.tgt_tok_emb = nn.Embedding(tgt_vocab_size, d_model)
        self.positional_encoding = SinusoidalPositionalEncoding(d_model, max_len, dropout,
                                                                batch_first=True)
        self.transformer = nn.Transformer(d_model, nhead, num_encoder_layers,
                                          num_decoder_layers, dim_feedforward, dropout,
                                          activation, batch_first=True, norm_first=norm_first)
        self.out_proj = nn.Linear(d_model, tgt_vocab_size)
        for emb in (self.src_tok_emb, self.tgt_tok_emb):
            init.normal_(emb.weight, 0.0, d_model ** -0.5)

    def _embed(self, embedding, tokens):
        if tokens.ndim != 2 or tokens.dtype.is_floating_point:
            raise ValueError(f"Seq2SeqTransformer expects token ids of shape (B, L) and an "
                             f"integer dtype, got shape {tuple(tokens.shape)} and dtype "
                             f"{tokens.dtype}")
        return self.positional_encoding(embedding(tokens) * math.sqrt(self.d_model))

    def encode(self, src, src_key_padding_mask=None):
        """The encoder's output, the memory the decoder attends to: (B, S, d)."""
        return self.transformer.encoder(self._embed(self.src_tok_emb, src),
                                        src_key_padding_mask=src_key_padding_mask)

    def decode(self, tgt_in, memory, memory_key_padding_mask=None, tgt_key_padding_mask=None):
        """Logits (B, T, V) for the target prefix tgt_in (B, T) given the memory (B, S, d);
        memory_key_padding_mask is the source's padding mask."""
        T = tgt_in.shape[1]
        causal = nn.Transformer.generate_square_subsequent_mask(T, device=memory.device,
                                                                dtype=memory.dtype)
        h = self.transformer.decoder(self._embed(self.tgt_tok_emb, tgt_in), memory,
                                     tgt_mask=causal, tgt_is_causal=True,
                                     tgt_key_padding_mask=tgt_key_padding_mask,
                                     memory_key_padding_mask=memory_key_padding_mask)
        return self.out_proj(h)

    def forward(self, src, tgt_in, src_key_padding_mask=None, tgt_key_padding_mask=None):
        memory = self.encode(src, src_key_padding_mask)
        return self.decode(tgt_in, memory, src_key_padding_mask, tgt_key_padding_mask)

    def decode_step(self, ys, memory, memory_key_padding_mask=None):
        """Logits (B, V) of the token after the prefix ys (B, t) (the decoder re-reads the
        whole prefix: no cache)."""
        return self.decode(ys, memory, memory_key_padding_mask)[:, -1]

    @no_grad()
    def greedy_decode(self, src, max_len, bos, eos, src_key_padding_mask=None):
        """At each step the most probable next token, for the whole batch at once, until every
        row has produced eos or max_len tokens follow bos. Returns (B, L) int64, L ≤ max_len + 1
        (see the module docstring for the format)."""
        memory = self.encode(src, src_key_padding_mask)
        B = src.shape[0]
        ys = full((B, 1), bos, dtype=int64, device=src.device)
        done = zeros(B, dtype=bool_, device=src.device)
        for _ in range(max_len):
            next_token = self.decode_step(ys, memory, src_key_padding_mask).argmax(-1)
            next_token = ops.where(done, eos, next_token)
            ys = ops.cat([ys, next_token.unsqueeze(1)], 1)
            done = done | (next_token == eos)
            if bool(done.all()):
                break
        return ys

    @no_grad()
    def beam_search(self, src, beam_size, max_len, bos, eos, length_penalty=0.6,
                    src_key_padding_mask=None):
        """Beam search, one source sequence at a time: keep the beam_size most probable
        prefixes (by summed log-probability); a prefix that picks eos among the beam_size best
        candidates is a finished hypothesis. The answer is the hypothesis of highest
        log P(Y) / lp(|Y|), lp GNMT's length penalty ((5 + |Y|)/6)^length_penalty, |Y| the
        tokens after bos. The search stops once no open prefix can still beat the best
        finished one (a prefix's log-probability only falls, so score / lp(max_len) bounds what
        it can reach), or after max_len tokens (the prefixes still open then count too).
        beam_size=1 is greedy decoding. Returns (B, L) int64 as greedy_decode."""
        if beam_size < 1:
            raise ValueError(f"beam_search: beam_size must be at least 1, got {beam_size}")
        if beam_size == 1:
            return self.greedy_decode(src, max_len, bos, eos, src_key_padding_mask)
        memory = self.encode(src, src_key_padding_mask)
        rows = []
        for b in range(src.shape[0]):
            padding = None if src_key_padding_mask is None else src_key_padding_mask[b:b + 1]
            rows.append(self._beam_search_one(memory[b:b + 1], padding, beam_size, max_len,
                                              bos, eos, length_penalty))
        width = max(len(r) for r in rows)
        return tensor([r + [eos] * (width - len(r)) for r in rows], dtype=int64,
                      device=src.device)

    def _beam_search_one(self, memory, padding, beam_size, max_len, bos, eos, alpha):
        """The best hypothesis (a list of ints, bos first) for one memory (1, S, d)."""
        beams, scores = [[bos]], [0.0]             # open prefixes, their log-probabilities
        finished = []                              # (normalised score, tokens)
        for _ in range(max_len):
            n = len(beams)
            ys = tensor(beams, dtype=int64, device=memory.device)
            mem = memory.expand((n,) + tuple(memory.shape[1:]))
            pad = None if padding is None else padding.expand((n, padding.shape[1]))
            logp = F.log_softmax(self.decode_step(ys, mem, pad), dim=-1)          # (n, V)
            V = logp.shape[-1]
            total = logp + tensor(scores, dtype=logp.dtype, device=logp.device).unsqueeze(1)
            # 2·beam_size candidates: at most beam_size of them end in eos (one per beam), so
            # enough stay open to fill the beam again
            top = total.reshape(-1).topk(min(2 * beam_size, n * V))
            beams_next, scores_next = [], []
            for rank, (score, flat) in enumerate(zip(top.values.tolist(), top.indices.tolist())):
                beam, token = divmod(flat, V)
                tokens = beams[beam] + [token]
                if token == eos:
                    if rank < beam_size:           # an eos outside the best beam_size: dropped
                        finished.append((score / _length_penalty(len(tokens) - 1, alpha),
                                         tokens))
                else:
                    beams_next.append(tokens)
                    scores_next.append(score)
                if len(beams_next) == beam_size:
                    break
            beams, scores = beams_next, scores_next
            if not beams or (finished and max(scores) / _length_penalty(max_len, alpha) <=
                             max(f[0] for f in finished)):
                break
        else:
            finished += [(s / _length_penalty(len(t) - 1, alpha), t)
                         for t, s in zip(beams, scores)]
        return max(finished, key=lambda f: f[0])[1]

    @no_grad()
    def cross_attention_weights(self, src, tgt_in, src_key_padding_mask=None,
                                tgt_key_padding_mask=None, average_attn_weights=True):
        """The last decoder layer's attention to the source: (B, T, S), averaged over the
        heads, or (B, nhead, T, S) with average_attn_weights=False; row t is where the model
        looked when predicting the token after tgt_in[:, t]. For a decoded row ys, pass
        tgt_in = ys[:, :-1].

        The decoder layers call their attention with need_weights=False (the weights are not
        needed to train), so a forward pre-hook on the last layer's `multihead_attn` catches
        its inputs during a normal forward pass, and the attention runs once more on them with
        need_weights=True."""
        attention = self.transformer.decoder.layers[-1].multihead_attn
        caught = {}

        def catch(module, args, kwargs):
            caught["args"], caught["kwargs"] = args, kwargs

        handle = attention.register_forward_pre_hook(catch, with_kwargs=True)
        try:
            self(src, tgt_in, src_key_padding_mask, tgt_key_padding_mask)
        finally:
            handle.remove()
        kwargs = dict(caught["kwargs"], need_weights=True,
                      average_attn_weights=average_attn_weights)
        return attention(*caught["args"], **kwargs)[1]

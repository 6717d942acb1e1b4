"""Seq2SeqTransformer (mytorch.models.seq2seq): shapes, padding masks, greedy decoding, beam
search (beam 1 = greedy; a beam that holds every hypothesis = exhaustive search), the
cross-attention weights, and a short run on the copy task."""
import itertools
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch.models.seq2seq import Seq2SeqTransformer
from mytorch.nn import functional as F

PAD, BOS, EOS = 0, 1, 2


def model(src_vocab=11, tgt_vocab=13, layers=2, d_model=16, **kw):
    return Seq2SeqTransformer(src_vocab, tgt_vocab, d_model=d_model, nhead=2,
                              num_encoder_layers=layers, num_decoder_layers=layers,
                              dim_feedforward=2 * d_model, max_len=32, **kw).eval()


def ints(low, high, shape, seed=0):
    return mt.randint(low, high, shape, generator=mt.Generator().manual_seed(seed))


def padded(lengths, S, seed=0):
    """Sources of the given lengths, right-padded with PAD to S, and their padding mask."""
    src = ints(3, 11, (len(lengths), S), seed)
    mask = mt.arange(S).unsqueeze(0) >= mt.tensor(lengths).unsqueeze(1)
    return mt.where(mask, PAD, src), mask


def test_shapes():
    m = model()
    src, tgt = ints(3, 11, (4, 6)), ints(3, 13, (4, 5))
    assert m(src, tgt).shape == (4, 5, 13)
    memory = m.encode(src)
    assert memory.shape == (4, 6, 16)
    assert m.decode(tgt, memory).shape == (4, 5, 13)
    assert m.decode_step(tgt, memory).shape == (4, 13)
    logits = m(src, tgt)
    loss = F.cross_entropy(logits.reshape(-1, 13), ints(0, 13, (20,)))
    loss.backward()
    assert all(p.grad is not None for p in m.parameters())


def test_embeddings_are_scaled_to_unit_size():
    m = Seq2SeqTransformer(50, 50, d_model=64, nhead=4, num_encoder_layers=1,
                           num_decoder_layers=1)
    w = m.src_tok_emb.weight.detach().numpy()
    assert (w * 8.0).std() == pytest.approx(1.0, rel=0.1)          # N(0, 1/d)·√d
    assert not any("pe" in k for k in m.state_dict())                 # the table is not saved


def test_decoder_is_causal():
    m = model().requires_grad_(False)
    src, tgt = ints(3, 11, (2, 6)), ints(3, 13, (2, 7))
    changed = tgt.clone()
    changed[:, 4:] = 3 + (changed[:, 4:] - 2) % 10
    a, b = m(src, tgt).numpy(), m(src, changed).numpy()
    np.testing.assert_allclose(a[:, :4], b[:, :4], atol=1e-6)
    assert np.abs(a[:, 4:] - b[:, 4:]).max() > 1e-4


def test_source_padding_is_ignored():
    m = model().requires_grad_(False)
    src, mask = padded([6, 3, 4], 6)
    tgt = ints(3, 13, (3, 5))
    noise = ints(3, 11, (3, 6), seed=1)
    perturbed = mt.where(mask, noise, src)                 # other tokens at padded positions
    a = m(src, tgt, src_key_padding_mask=mask).numpy()
    b = m(perturbed, tgt, src_key_padding_mask=mask).numpy()
    np.testing.assert_allclose(a, b, atol=1e-6)
    # without the mask the padded tokens do matter (the test can tell)
    assert np.abs(m(src, tgt).numpy() - m(perturbed, tgt).numpy())[1:].max() > 1e-4
    assert mt.equal(m.greedy_decode(src, 6, BOS, EOS, mask),
                    m.greedy_decode(perturbed, 6, BOS, EOS, mask))


def test_target_padding_is_ignored():
    m = model().requires_grad_(False)
    src = ints(3, 11, (2, 5))
    # left-padded targets: the padding comes before what the later positions read
    tgt = ints(3, 13, (2, 6))
    mask = mt.tensor([[True, True, False, False, False, False],
                      [False, False, False, False, False, False]])
    perturbed = tgt.clone()
    perturbed[0, :2] = mt.tensor([11, 12])
    a = m(src, tgt, tgt_key_padding_mask=mask).numpy()
    b = m(src, perturbed, tgt_key_padding_mask=mask).numpy()
    np.testing.assert_allclose(a[0, 2:], b[0, 2:], atol=1e-6)
    np.testing.assert_allclose(a[1], b[1], atol=1e-6)
    assert np.isfinite(a).all()                     # padded queries see nothing: no NaN
    c = m(src, perturbed).numpy()
    assert np.abs(m(src, tgt).numpy()[0, 2:] - c[0, 2:]).max() > 1e-4


def test_greedy_decode_of_an_untrained_model_is_deterministic():
    m = model(dropout=0.1)                          # eval(): dropout off
    src, mask = padded([5, 2, 4, 5], 5)
    first = m.greedy_decode(src, 7, BOS, EOS, mask)
    assert mt.equal(first, m.greedy_decode(src, 7, BOS, EOS, mask))
    assert first.dtype == mt.int64 and first.shape[0] == 4 and first.shape[1] <= 8
    assert (first[:, 0] == BOS).all()
    for row in first.tolist():                      # once eos, only eos
        if EOS in row:
            assert set(row[row.index(EOS):]) == {EOS}
    # a row decoded alone reads the same
    assert mt.equal(m.greedy_decode(src[1:2], 7, BOS, EOS, mask[1:2])[0],
                    first[1, :m.greedy_decode(src[1:2], 7, BOS, EOS, mask[1:2]).shape[1]])
    assert mt.equal(m.greedy_decode(src, 0, BOS, EOS), mt.full((4, 1), BOS))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_beam_search_with_one_beam_is_greedy(seed):
    mt.manual_seed(seed)
    m = model(tgt_vocab=6)
    src, mask = padded([5, 3, 4], 5, seed)
    assert mt.equal(m.beam_search(src, 1, 8, BOS, EOS, src_key_padding_mask=mask),
                    m.greedy_decode(src, 8, BOS, EOS, mask))


def log_prob(m, src, seq):
    """log P(seq[1:] | src) by teacher forcing."""
    logp = F.log_softmax(m(src, mt.tensor([seq[:-1]])), -1)[0]
    return sum(logp[t, tok].item() for t, tok in enumerate(seq[1:]))


@pytest.mark.parametrize("alpha", [0.0, 0.6])
def test_a_beam_wide_enough_is_exhaustive_search(alpha):
    """With 4 target tokens and 3 steps there are 40 hypotheses (those that end in eos, and
    those cut at max_len): a beam of 64 keeps them all, so it must return the best."""
    mt.manual_seed(3)
    m = model(tgt_vocab=4).requires_grad_(False)
    src = ints(3, 11, (1, 4))
    hypotheses = []
    for n in range(1, 4):
        for body in itertools.product([0, 1, 3], repeat=n - 1):
            hypotheses.append([BOS, *body, EOS])
    hypotheses += [[BOS, *body] for body in itertools.product([0, 1, 3], repeat=3)]
    assert len(hypotheses) == 40
    best = max(hypotheses, key=lambda h: log_prob(m, src, h) / ((5 + len(h) - 1) / 6) ** alpha)
    found = m.beam_search(src, 64, 3, BOS, EOS, length_penalty=alpha)[0].tolist()
    assert found[:len(best)] == best and set(found[len(best):]) <= {EOS}


def test_beam_search_batches_and_errors():
    m = model()
    src, mask = padded([5, 2], 5)
    out = m.beam_search(src, 3, 6, BOS, EOS, src_key_padding_mask=mask)
    assert out.shape[0] == 2 and out.shape[1] <= 7 and (out[:, 0] == BOS).all()
    for b in range(2):                               # rows do not depend on each other
        alone = m.beam_search(src[b:b + 1], 3, 6, BOS, EOS, src_key_padding_mask=mask[b:b + 1])
        assert out[b, :alone.shape[1]].tolist() == alone[0].tolist()
    with pytest.raises(ValueError, match="beam_size must be at least 1, got 0"):
        m.beam_search(src, 0, 6, BOS, EOS)
    with pytest.raises(ValueError, match=r"token ids of shape \(B, L\) and an integer dtype"):
        m(src.float(), src)


def test_cross_attention_weights():
    m = model()
    src, mask = padded([6, 3], 6)
    ys = m.greedy_decode(src, 5, BOS, EOS, mask)
    w = m.cross_attention_weights(src, ys[:, :-1], src_key_padding_mask=mask)
    T = ys.shape[1] - 1
    assert w.shape == (2, T, 6) and not w.requires_grad
    np.testing.assert_allclose(w.sum(-1).numpy(), 1.0, atol=1e-5)
    assert (w[1, :, 3:] == 0).all()                                  # padding gets no weight
    heads = m.cross_attention_weights(src, ys[:, :-1], src_key_padding_mask=mask,
                                      average_attn_weights=False)
    assert heads.shape == (2, 2, T, 6)
    np.testing.assert_allclose(heads.mean(1).numpy(), w.numpy(), atol=1e-6)
    layer = m.transformer.decoder.layers[-1].multihead_attn
    assert not layer._forward_pre_hooks                              # the hook is gone


def test_copy_task_improves_exact_match():
    mt.manual_seed(0)
    V, L = 10, 5
    m = Seq2SeqTransformer(V, V, d_model=32, nhead=2, num_encoder_layers=1,
                           num_decoder_layers=1, dim_feedforward=64, dropout=0.0, max_len=16)
    gen = mt.Generator().manual_seed(1)

    def batch(n):
        src = mt.randint(3, V, (n, L), generator=gen)
        return (src, mt.cat([mt.full((n, 1), BOS), src], 1),
                mt.cat([src, mt.full((n, 1), EOS)], 1))

    test_src, _, test_out = batch(32)

    def exact_match():
        m.eval()
        ys = m.greedy_decode(test_src, L + 1, BOS, EOS)
        m.train()
        if ys.shape[1] != L + 2:
            return 0.0
        return (ys[:, 1:] == test_out).all(1).float().mean().item()

    before = exact_match()
    opt = mt.optim.Adam(m.parameters(), lr=3e-3)
    for _ in range(80):
        src, tgt_in, tgt_out = batch(64)
        loss = F.cross_entropy(m(src, tgt_in).reshape(-1, V), tgt_out.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    after = exact_match()
    assert before < 0.1 and after >= 0.8 and loss.item() < 0.3
    m.eval()
    assert mt.equal(m.beam_search(test_src[:4], 3, L + 1, BOS, EOS)[:, 1:], test_out[:4])


def test_decoding_on_device(device):
    m = model()
    src, mask = padded([5, 3], 5)
    expected = m.greedy_decode(src, 5, BOS, EOS, mask)
    m.to(device)
    src, mask = src.to(device), mask.to(device)
    out = m.greedy_decode(src, 5, BOS, EOS, mask)
    assert out.device == src.device and mt.equal(out.cpu(), expected)
    assert mt.equal(m.beam_search(src, 1, 5, BOS, EOS, src_key_padding_mask=mask).cpu(),
                    expected)
    assert m.cross_attention_weights(src, out, mask).device == src.device


def test_beam_search_keeps_going_while_an_open_prefix_can_still_win():
    """Early eos hypotheses must not end the search while a better prefix is still open: a
    decoder with P(a) = 0.9 until four a's, then P(eos) ≈ 1, is best decoded as 'aaaa'."""
    m = Seq2SeqTransformer(4, 4, d_model=8, nhead=2, num_encoder_layers=1,
                           num_decoder_layers=1, dim_feedforward=8, max_len=16).eval()

    def decode_step(ys, memory, mask=None):
        p = [0.0, 0.0, 0.05, 0.9] if ys.shape[1] < 5 else [0.0, 0.0, 0.99, 0.01]
        p[0] = 1 - sum(p)
        return mt.tensor([[math.log(max(x, 1e-9)) for x in p]] * ys.shape[0])

    m.decode_step = decode_step
    src = mt.tensor([[3, 3]])
    best = [[1, 3, 3, 3, 3, 2]]
    assert m.greedy_decode(src, 8, 1, 2).tolist() == best
    for beam in (2, 3, 4):
        assert m.beam_search(src, beam, 8, 1, 2).tolist() == best, beam

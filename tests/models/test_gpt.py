"""GPT (mytorch.models.gpt): shapes, weight tying, GPT-2's initialisation, causality, the
key/value cache against full recomputation, top-k / top-p filtering, the block_size window,
AdamW's parameter groups, and a short run that overfits one sequence."""
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
from mytorch.models.gpt import GPT, GPTConfig, top_k_top_p_filtering

V = 17

VARIANTS = {
    "gpt2": dict(),
    "rope": dict(pos="rope"),
    "rmsnorm-swiglu": dict(norm="rmsnorm", mlp="swiglu"),
    "llama": dict(pos="rope", norm="rmsnorm", mlp="swiglu", bias=False),
}


def tiny(**kw):
    args = dict(vocab_size=V, block_size=8, n_layer=2, n_head=2, n_embd=16)
    args.update(kw)
    return GPTConfig(**args)


def model(**kw):
    return GPT(tiny(**kw)).eval()


def tokens(B, T, seed=0):
    return mt.randint(0, V, (B, T), generator=mt.Generator().manual_seed(seed))


@pytest.mark.parametrize("variant", VARIANTS)
def test_shapes(variant):
    m = model(**VARIANTS[variant])
    idx = tokens(3, 5)
    logits, loss = m(idx)
    assert logits.shape == (3, 5, V) and logits.dtype == mt.float32
    assert loss is None
    logits, loss = m(idx, tokens(3, 5, seed=1))
    assert loss.shape == () and math.isfinite(loss.item())
    loss.backward()
    assert all(p.grad is not None for p in m.parameters())


def test_weight_tying_is_one_parameter_counted_once():
    m = model()
    assert m.lm_head.weight is m.transformer.wte.weight
    C, T, L = 16, 8, 2
    expected = V * C + T * C + L * (12 * C * C + 13 * C) + 2 * C       # the docstring's formula
    assert m.num_parameters() == expected == sum(p.numel() for p in m.parameters())
    assert m.num_parameters(non_embedding=True) == expected - T * C
    names = [n for n, _ in m.named_parameters()]
    assert "lm_head.weight" not in names and "transformer.wte.weight" in names
    assert "lm_head.weight" in m.state_dict()                  # both names, as in PyTorch
    # the tie survives loading a state dict (copied in place) and moving
    m.load_state_dict(model().state_dict())
    m.double()
    assert m.lm_head.weight is m.transformer.wte.weight
    untied = model(tie_weights=False)
    assert untied.lm_head.weight is not untied.transformer.wte.weight
    assert untied.num_parameters() == expected + V * C
    assert untied.num_parameters(non_embedding=True) == expected - T * C


def test_rope_has_no_position_table_and_saves_nothing_extra():
    m = model(pos="rope")
    assert "wpe" not in m.transformer
    assert not any("rope" in k for k in m.state_dict())
    C, L = 16, 2
    assert m.num_parameters() == V * C + L * (12 * C * C + 13 * C) + 2 * C


def test_gpt2_initialisation():
    m = GPT(GPTConfig(vocab_size=64, block_size=32, n_layer=4, n_head=4, n_embd=64))
    residual = 0.02 / math.sqrt(2 * 4)
    for name, p in m.named_parameters():
        values = p.detach().numpy()
        if name.endswith("c_proj.weight"):
            assert values.std() == pytest.approx(residual, rel=0.1), name
        elif p.dim() == 2:
            assert values.std() == pytest.approx(0.02, rel=0.1), name
        elif name.endswith("bias"):
            assert not values.any(), name
        else:                                                     # LayerNorm gains
            assert (values == 1).all(), name


def test_loss_at_init_is_log_vocab():
    m = GPT(tiny(vocab_size=64, n_embd=32))
    _, loss = m(mt.randint(0, 64, (4, 8)), mt.randint(0, 64, (4, 8)))
    assert loss.item() == pytest.approx(math.log(64), abs=0.05)


def test_loss_ignores_targets_of_minus_one():
    m = model()
    idx, targets = tokens(2, 6), tokens(2, 6, seed=1)
    logits, loss = m(idx, targets)
    masked = targets.clone()
    masked[:, :3] = -1
    _, partial = m(idx, masked)
    expected = nn.functional.cross_entropy(logits[:, 3:].reshape(-1, V),
                                           targets[:, 3:].reshape(-1))
    assert partial.item() == pytest.approx(expected.item(), rel=1e-6)


@pytest.mark.parametrize("variant", VARIANTS)
def test_causal_logits_at_t_do_not_see_later_tokens(variant):
    m = model(**VARIANTS[variant])
    idx = tokens(2, 8)
    changed = idx.clone()
    changed[:, 5:] = (changed[:, 5:] + 1) % V
    with mt.no_grad():
        a, b = m(idx)[0].numpy(), m(changed)[0].numpy()
    np.testing.assert_array_equal(a[:, :5], b[:, :5])
    assert np.abs(a[:, 5:] - b[:, 5:]).max() > 1e-4


@pytest.mark.parametrize("variant", VARIANTS)
def test_cached_forward_matches_full_forward(variant):
    m = model(**VARIANTS[variant]).requires_grad_(False)
    idx = tokens(2, 8)
    full = m(idx)[0].numpy()
    # a prompt of 3, a chunk of 2 (several new queries against a cache), then one at a time
    logits, past = m.forward_with_cache(idx[:, :3])
    pieces = [logits]
    for lo, hi in ((3, 5), (5, 6), (6, 7), (7, 8)):
        logits, past = m.forward_with_cache(idx[:, lo:hi], past)
        pieces.append(logits)
    assert len(past) == 2 and past[0][0].shape == (2, 2, 8, 8)           # (B, H, S, d)
    np.testing.assert_allclose(mt.cat(pieces, 1).numpy(), full, atol=1e-5)
    with pytest.raises(ValueError, match="block_size is only 8"):
        m.forward_with_cache(idx[:, :1], past)


@pytest.mark.parametrize("variant", VARIANTS)
def test_generate_with_cache_equals_recomputation(variant):
    m = model(**VARIANTS[variant])
    prompt = tokens(2, 3)
    # 12 new tokens from a prompt of 3: past block_size = 8, so the window slides too
    greedy = m.generate(prompt, 12, do_sample=False)
    assert greedy.shape == (2, 15)
    assert mt.equal(greedy, m.generate(prompt, 12, do_sample=False, use_cache=False))
    for kw in (dict(), dict(temperature=0.7, top_k=5), dict(temperature=1.3, top_p=0.8)):
        cached = m.generate(prompt, 12, generator=mt.Generator().manual_seed(3), **kw)
        fresh = m.generate(prompt, 12, use_cache=False, generator=mt.Generator().manual_seed(3),
                           **kw)
        assert mt.equal(cached, fresh), kw
        assert mt.equal(cached[:, :3], prompt)


def test_greedy_generation_is_the_argmax_of_the_last_block():
    m = model()
    out = m.generate(tokens(1, 6), 6, do_sample=False)
    for t in range(6, 12):                          # the model reads at most 8 tokens
        window = out[:, max(0, t - 8):t]
        assert out[0, t].item() == m(window)[0][0, -1].argmax().item()


def test_forward_longer_than_block_size_is_an_error():
    with pytest.raises(ValueError, match=r"cannot read 9 positions .* block_size is only 8"):
        model()(tokens(1, 9))


def test_generate_runs_without_grad_and_leaves_input_alone():
    m = model()
    m.train(False)
    prompt = tokens(2, 3)
    before = prompt.clone()
    out = m.generate(prompt, 4)
    assert not out.requires_grad and out.grad_fn is None and out.dtype == mt.int64
    assert all(p.grad is None for p in m.parameters())
    assert mt.equal(prompt, before)
    assert mt.equal(m.generate(prompt, 0), prompt)


def test_top_k_of_one_is_greedy():
    m = model(pos="rope")
    prompt = tokens(2, 2)
    assert mt.equal(m.generate(prompt, 6, top_k=1, generator=mt.Generator().manual_seed(1)),
                    m.generate(prompt, 6, do_sample=False))


def test_sampling_uses_the_generator():
    m = model()
    prompt = tokens(4, 2)

    def draw(seed):
        return m.generate(prompt, 6, generator=mt.Generator().manual_seed(seed))

    assert mt.equal(draw(5), draw(5))
    assert not mt.equal(draw(5), draw(6))


def kept(logits):
    return [[i for i, v in enumerate(row) if v != -math.inf] for row in logits.tolist()]


# two rows of the same distribution (0.5, 0.25, 0.15, 0.1) in different orders
PROBS = mt.tensor([[0.1, 0.5, 0.15, 0.25], [0.25, 0.15, 0.1, 0.5]])
LOGITS = PROBS.log()


@pytest.mark.parametrize("top_k, top_p, expected", [
    (None, None, [[0, 1, 2, 3], [0, 1, 2, 3]]),
    (1, None, [[1], [3]]),
    (3, None, [[1, 2, 3], [0, 1, 3]]),
    (10, None, [[0, 1, 2, 3], [0, 1, 2, 3]]),          # k beyond the vocabulary: all kept
    (None, 0.4, [[1], [3]]),                            # the most probable always stays
    (None, 0.55, [[1, 3], [0, 3]]),                     # 0.5 < 0.55: the second is needed
    (None, 0.8, [[1, 2, 3], [0, 1, 3]]),                # 0.75 < 0.8: the third too
    (None, 1.0, [[0, 1, 2, 3], [0, 1, 2, 3]]),
    (3, 0.55, [[1], [3]]),                              # after top-3 the first holds 0.56
])
def test_top_k_top_p_filtering(top_k, top_p, expected):
    filtered = top_k_top_p_filtering(LOGITS, top_k, top_p)
    assert kept(filtered) == expected
    survivors = filtered != -math.inf
    assert mt.equal(filtered[survivors], LOGITS[survivors])       # the others are untouched


def test_top_k_top_p_keeps_ties_with_the_kth():
    assert kept(top_k_top_p_filtering(mt.tensor([[1.0, 3.0, 1.0, 0.0]]), top_k=2)) == [[0, 1, 2]]


def test_filtering_and_sampling_errors():
    with pytest.raises(ValueError, match="top_k must be a positive integer, got 0"):
        top_k_top_p_filtering(LOGITS, top_k=0)
    with pytest.raises(ValueError, match=r"top_p must be in \(0, 1\], got 0"):
        top_k_top_p_filtering(LOGITS, top_p=0)
    with pytest.raises(ValueError, match="temperature must be positive"):
        model().generate(tokens(1, 2), 2, temperature=0.0)
    with pytest.raises(ValueError, match=r"token ids of shape \(B, T\) and an integer dtype"):
        model()(mt.zeros(2, 3))


def test_config_errors():
    with pytest.raises(ValueError, match="pos must be one of"):
        GPTConfig(pos="alibi")
    with pytest.raises(ValueError, match="n_embd=10 must be divisible by n_head=4"):
        GPTConfig(n_embd=10, n_head=4)
    with pytest.raises(ValueError, match="head size n_embd/n_head = 3 must be even"):
        GPTConfig(n_embd=6, n_head=2, pos="rope")


def test_configure_optimizers_decays_only_matrices():
    for m in (model(), model(tie_weights=False, norm="rmsnorm", mlp="swiglu")):
        opt = m.configure_optimizers(weight_decay=0.1, lr=3e-4, betas=(0.9, 0.95))
        assert isinstance(opt, mt.optim.AdamW)
        names = {id(p): n for n, p in m.named_parameters()}
        decay, no_decay = opt.param_groups
        assert decay["weight_decay"] == 0.1 and no_decay["weight_decay"] == 0.0
        assert decay["lr"] == 3e-4 and decay["betas"] == (0.9, 0.95)
        decayed = sorted(names[id(p)] for p in decay["params"])
        assert all(p.dim() >= 2 for p in decay["params"])
        assert all(p.dim() < 2 for p in no_decay["params"])
        assert "transformer.wte.weight" in decayed
        assert any(n.endswith("attn.c_proj.weight") for n in decayed)
        assert ("lm_head.weight" in decayed) == (not m.config.tie_weights)
        assert all(n.endswith(("bias", "ln_1.weight", "ln_2.weight", "ln_f.weight"))
                   for n in (names[id(p)] for p in no_decay["params"]))
        # every parameter in exactly one group (the tied one once)
        assert len(decay["params"]) + len(no_decay["params"]) == len(names)


@pytest.mark.parametrize("variant", ["gpt2", "llama"])
def test_overfits_a_repeated_sequence(variant):
    mt.manual_seed(0)
    m = GPT(tiny(vocab_size=16, block_size=16, n_embd=32, **VARIANTS[variant]))
    data = mt.randint(0, 16, (9,), generator=mt.Generator().manual_seed(0)).repeat(4)
    x = data[:16].unsqueeze(0).expand((4, 16)).contiguous()
    y = data[1:17].unsqueeze(0).expand((4, 16)).contiguous()
    opt = m.configure_optimizers(weight_decay=0.0, lr=1e-2, betas=(0.9, 0.99))
    for _ in range(30):
        _, loss = m(x, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.1 * math.log(16)
    # and it continues the pattern it learned (within the block it was trained on)
    m.eval()
    out = m.generate(x[:1, :9], 7, do_sample=False)
    assert mt.equal(out[0, 9:], data[9:16])


@pytest.mark.parametrize("variant", ["gpt2", "llama"])
def test_generate_on_device(device, variant):
    m = model(**VARIANTS[variant])
    prompt = tokens(2, 3)
    expected = m.generate(prompt, 9, do_sample=False)
    m.to(device)
    out = m.generate(prompt.to(device), 9, do_sample=False)
    assert out.device == mt.zeros(1, device=device).device
    assert mt.equal(out.cpu(), expected)
    sampled = m.generate(prompt.to(device), 9, top_k=5, top_p=0.9,
                         generator=mt.Generator(device).manual_seed(0))
    assert sampled.shape == (2, 12)

"""Transformer layers and models: each layer against a hand composition of its own sub-modules
(post-norm and pre-norm), masks passed through, the stacks' independent clones, PyTorch's
parameter names and count, causality by perturbation, dropout in train and eval, a copy task
that learns, reprs and errors."""
import math

import numpy as np
import pytest

import mytorch as mt
from mytorch import nn
from mytorch.autograd import gradcheck
from mytorch.nn import functional as F
from mytorch.nn.positional import SinusoidalPositionalEncoding


def host(t):
    return t.detach().cpu().numpy()


def randn(*shape, device="cpu", requires_grad=False):
    return mt.randn(*shape, dtype=mt.float64, device=device, requires_grad=requires_grad)


def encoder_by_hand(layer, x, mask=None, padding=None, activation=F.relu):
    sa = lambda y: layer.self_attn(y, y, y, attn_mask=mask,            # noqa: E731
                                   key_padding_mask=padding)[0]
    ff = lambda y: layer.linear2(activation(layer.linear1(y)))         # noqa: E731
    if layer.norm_first:
        x = x + sa(layer.norm1(x))
        return x + ff(layer.norm2(x))
    x = layer.norm1(x + sa(x))
    return layer.norm2(x + ff(x))


def decoder_by_hand(layer, x, memory, tgt_mask=None, memory_mask=None, tgt_padding=None,
                    memory_padding=None, activation=F.relu):
    sa = lambda y: layer.self_attn(y, y, y, attn_mask=tgt_mask,        # noqa: E731
                                   key_padding_mask=tgt_padding)[0]
    ca = lambda y: layer.multihead_attn(y, memory, memory, attn_mask=memory_mask,  # noqa: E731
                                        key_padding_mask=memory_padding)[0]
    ff = lambda y: layer.linear2(activation(layer.linear1(y)))         # noqa: E731
    if layer.norm_first:
        x = x + sa(layer.norm1(x))
        x = x + ca(layer.norm2(x))
        return x + ff(layer.norm3(x))
    x = layer.norm1(x + sa(x))
    x = layer.norm2(x + ca(x))
    return layer.norm3(x + ff(x))


def perturb_affine(module):
    """LayerNorm weights and biases away from 1 and 0, so that a wrong norm shows."""
    with mt.no_grad():
        for name, p in module.named_parameters():
            if "norm" in name:
                p.add_(0.3 * mt.randn(*p.shape, dtype=p.dtype, device=p.device))


# ---- layers against their composition ---------------------------------------------------------

@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_is_its_composition(device, norm_first):
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                       norm_first=norm_first, dtype=mt.float64).to(device)
    perturb_affine(layer)
    x = randn(5, 3, 8, device=device)
    assert np.allclose(host(layer(x)), host(encoder_by_hand(layer, x)))
    causal = nn.Transformer.generate_square_subsequent_mask(5, device=device, dtype=mt.float64)
    padding = mt.tensor(np.arange(5)[None, :] >= np.array([5, 4, 2])[:, None], device=device)
    out = layer(x, src_mask=causal, src_key_padding_mask=padding)
    assert np.allclose(host(out), host(encoder_by_hand(layer, x, causal, padding)))
    assert not np.allclose(host(out), host(layer(x)))
    assert np.allclose(host(layer(x, src_mask=causal, is_causal=True)),
                       host(encoder_by_hand(layer, x, causal)))


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer_is_its_composition(device, norm_first):
    layer = nn.TransformerDecoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                       norm_first=norm_first, dtype=mt.float64).to(device)
    perturb_affine(layer)
    x, memory = randn(4, 2, 8, device=device), randn(6, 2, 8, device=device)
    assert np.allclose(host(layer(x, memory)), host(decoder_by_hand(layer, x, memory)))
    tgt_mask = nn.Transformer.generate_square_subsequent_mask(4, device=device,
                                                              dtype=mt.float64)
    memory_mask = mt.tensor(np.eye(4, 6, 1, dtype=bool), device=device)   # True = masked
    tgt_padding = mt.tensor([[False] * 4, [False, False, False, True]], device=device)
    memory_padding = mt.tensor([[False] * 6, [False] * 3 + [True] * 3], device=device)
    out = layer(x, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                tgt_key_padding_mask=tgt_padding, memory_key_padding_mask=memory_padding)
    expected = decoder_by_hand(layer, x, memory, tgt_mask, memory_mask, tgt_padding,
                               memory_padding)
    assert np.allclose(host(out), host(expected))
    assert np.allclose(host(layer(x, memory, tgt_mask=tgt_mask, tgt_is_causal=True)),
                       host(decoder_by_hand(layer, x, memory, tgt_mask)))


def test_activation_gelu_and_callable(device):
    x = randn(3, 2, 4, device=device)
    gelu = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, activation="gelu",
                                      dtype=mt.float64).to(device)
    assert gelu.activation is F.gelu
    assert np.allclose(host(gelu(x)), host(encoder_by_hand(gelu, x, activation=F.gelu)))
    own = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, activation=mt.tanh,
                                     norm_first=True, dtype=mt.float64).to(device)
    assert np.allclose(host(own(x)), host(encoder_by_hand(own, x, activation=mt.tanh)))
    dec = nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0, activation="gelu",
                                     dtype=mt.float64).to(device)
    memory = randn(5, 2, 4, device=device)
    assert np.allclose(host(dec(x, memory)),
                       host(decoder_by_hand(dec, x, memory, activation=F.gelu)))
    module = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, activation=nn.Tanh(),
                                        dtype=mt.float64).to(device)
    assert np.allclose(host(module(x)), host(encoder_by_hand(module, x, activation=mt.tanh)))


def test_layers_batch_first(device):
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, dtype=mt.float64).to(device)
    bf = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, batch_first=True,
                                    dtype=mt.float64).to(device)
    bf.load_state_dict(layer.state_dict())
    x = randn(3, 5, 4, device=device)                                   # (N, L, E)
    assert np.allclose(host(bf(x)), host(layer(x.transpose(0, 1)).transpose(0, 1)))


def test_layer_gradients():
    layer = nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, dtype=mt.float64)
    x = randn(3, 2, 4, requires_grad=True)
    assert gradcheck(lambda x, *p: layer(x), (x,) + tuple(layer.parameters()))
    dec = nn.TransformerDecoderLayer(4, 2, 6, dropout=0.0, norm_first=True, dtype=mt.float64)
    memory = randn(2, 2, 4, requires_grad=True)
    assert gradcheck(lambda x, m: dec(x, m), (x, memory))


# ---- stacks ------------------------------------------------------------------------------------

def test_encoder_clones_are_independent():
    layer = nn.TransformerEncoderLayer(8, 2, 16)
    enc = nn.TransformerEncoder(layer, num_layers=3)
    assert len(enc.layers) == 3 and enc.num_layers == 3 and enc.norm is None
    params = [dict(l.named_parameters()) for l in enc.layers]
    for name, p in layer.named_parameters():
        ids = {id(layer_params[name]) for layer_params in params}
        assert len(ids) == 3 and id(p) not in ids                   # all distinct objects
        for layer_params in params:
            assert np.array_equal(host(layer_params[name]), host(p))   # same starting values
    with mt.no_grad():
        enc.layers[0].linear1.weight.add_(1.0)
    assert not np.array_equal(host(enc.layers[0].linear1.weight),
                              host(enc.layers[1].linear1.weight))
    assert np.array_equal(host(enc.layers[1].linear1.weight), host(layer.linear1.weight))
    assert len(list(enc.parameters())) == 3 * len(list(layer.parameters()))
    dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16), num_layers=2)
    assert dec.layers[0].multihead_attn.in_proj_weight is not \
        dec.layers[1].multihead_attn.in_proj_weight


def test_stacks_are_their_layers_then_norm(device):
    layer = nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0, dtype=mt.float64)
    enc = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(4, dtype=mt.float64)).to(device)
    perturb_affine(enc)
    x = randn(5, 2, 4, device=device)
    mask = nn.Transformer.generate_square_subsequent_mask(5, device=device, dtype=mt.float64)
    padding = mt.tensor([[False] * 5, [False] * 3 + [True] * 2], device=device)
    by_hand = enc.norm(enc.layers[1](enc.layers[0](x, mask, padding), mask, padding))
    assert np.allclose(host(enc(x, mask=mask, src_key_padding_mask=padding)), host(by_hand))
    dec = nn.TransformerDecoder(nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0,
                                                           dtype=mt.float64), 2).to(device)
    memory = randn(3, 2, 4, device=device)
    tgt = randn(5, 2, 4, device=device)
    by_hand = dec.layers[1](dec.layers[0](tgt, memory, tgt_mask=mask), memory, tgt_mask=mask)
    assert np.allclose(host(dec(tgt, memory, tgt_mask=mask)), host(by_hand))


def test_transformer_is_decoder_of_encoder(device):
    model = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1,
                           dim_feedforward=16, dropout=0.0, dtype=mt.float64).to(device)
    src, tgt = randn(6, 2, 8, device=device), randn(4, 2, 8, device=device)
    tgt_mask = model.generate_square_subsequent_mask(4, device=device, dtype=mt.float64)
    out = model(src, tgt, tgt_mask=tgt_mask)
    assert tuple(out.shape) == (4, 2, 8)
    expected = model.decoder(tgt, model.encoder(src), tgt_mask=tgt_mask)
    assert np.allclose(host(out), host(expected))
    assert isinstance(model.encoder.norm, nn.LayerNorm) and model.d_model == 8
    # batch_first: the same model on transposed inputs
    bf = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=2, num_decoder_layers=1,
                        dim_feedforward=16, dropout=0.0, batch_first=True,
                        dtype=mt.float64).to(device)
    bf.load_state_dict(model.state_dict())
    out_bf = bf(src.transpose(0, 1), tgt.transpose(0, 1), tgt_mask=tgt_mask)
    assert np.allclose(host(out_bf), host(out).transpose(1, 0, 2))


# ---- PyTorch's names and sizes ----------------------------------------------------------------

ATTENTION = ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]
FEED_FORWARD = ["linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias"]


def pytorch_keys(n_enc, n_dec):
    """nn.Transformer's state-dict keys, in PyTorch's order."""
    def norms(n):
        return [f"norm{i}.{w}" for i in range(1, n + 1) for w in ("weight", "bias")]
    keys = []
    for i in range(n_enc):
        keys += [f"encoder.layers.{i}.{k}" for k in
                 ["self_attn." + a for a in ATTENTION] + FEED_FORWARD + norms(2)]
    keys += ["encoder.norm.weight", "encoder.norm.bias"]
    for i in range(n_dec):
        keys += [f"decoder.layers.{i}.{k}" for k in
                 ["self_attn." + a for a in ATTENTION] + ["multihead_attn." + a for a in ATTENTION]
                 + FEED_FORWARD + norms(3)]
    keys += ["decoder.norm.weight", "decoder.norm.bias"]
    return keys


def test_transformer_parameter_count_names_and_init():
    model = nn.Transformer(d_model=16, nhead=4, num_encoder_layers=2, num_decoder_layers=2,
                           dim_feedforward=32)
    assert sum(p.numel() for p in model.parameters()) == 11200
    keys = list(model.state_dict().keys())
    assert keys == pytorch_keys(2, 2)
    for key in ["encoder.layers.0.self_attn.in_proj_weight", "encoder.layers.0.linear1.weight",
                "encoder.norm.weight", "decoder.layers.0.multihead_attn.out_proj.bias",
                "decoder.layers.1.norm3.bias"]:
        assert key in keys
    state = model.state_dict()
    assert tuple(state["decoder.layers.1.multihead_attn.in_proj_weight"].shape) == (48, 16)
    # every weight matrix xavier_uniform_, independently per layer; biases as the layers made them
    for name, p in model.named_parameters():
        if p.dim() > 1:
            fan_out, fan_in = p.shape
            assert np.abs(host(p)).max() <= math.sqrt(6 / (fan_in + fan_out)) + 1e-7, name
    assert not np.array_equal(host(state["encoder.layers.0.linear1.weight"]),
                              host(state["encoder.layers.1.linear1.weight"]))
    assert np.all(host(state["encoder.layers.0.self_attn.in_proj_bias"]) == 0)
    assert np.all(host(state["decoder.norm.weight"]) == 1)


def test_state_dict_round_trip_between_models():
    a = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                       dim_feedforward=16, dropout=0.0)
    b = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                       dim_feedforward=16, dropout=0.0)
    result = b.load_state_dict({k: mt.tensor(host(v)) for k, v in a.state_dict().items()})
    assert result.missing_keys == [] and result.unexpected_keys == []
    src, tgt = mt.randn(3, 1, 8), mt.randn(2, 1, 8)
    assert np.allclose(host(a(src, tgt)), host(b(src, tgt)))


def test_generate_square_subsequent_mask(device):
    m = nn.Transformer.generate_square_subsequent_mask(4, device=device)
    assert m.dtype is mt.float32 and tuple(m.shape) == (4, 4)
    assert str(m.device).startswith(device)
    expected = np.where(np.triu(np.ones((4, 4), bool), 1), -np.inf, 0.0)
    assert np.array_equal(host(m), expected)
    assert nn.Transformer.generate_square_subsequent_mask(3, dtype=mt.float64).dtype is \
        mt.float64
    from mytorch.nn.transformer import generate_square_subsequent_mask
    assert np.array_equal(host(generate_square_subsequent_mask(1)), [[0.0]])


# ---- behaviour ---------------------------------------------------------------------------------

def test_causal_output_does_not_see_the_future(device):
    model = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=2,
                           dim_feedforward=16, dropout=0.0, dtype=mt.float64).to(device)
    src, tgt = randn(5, 2, 8, device=device), randn(6, 2, 8, device=device)
    mask = model.generate_square_subsequent_mask(6, device=device, dtype=mt.float64)
    out = host(model(src, tgt, tgt_mask=mask))
    for t in range(5):
        changed = tgt.clone()
        changed[t + 1:] = randn(6 - t - 1, 2, 8, device=device)
        new = host(model(src, changed, tgt_mask=mask))
        assert np.allclose(new[:t + 1], out[:t + 1])               # the past: unchanged
        assert not np.allclose(new[t + 1:], out[t + 1:])           # the future: changed
    # without the mask, position 0 sees everything
    changed = tgt.clone()
    changed[5] = randn(2, 8, device=device)
    assert not np.allclose(host(model(src, changed))[0], host(model(src, tgt))[0])
    # and an encoder with a causal mask is causal too
    enc = model.encoder
    x = randn(6, 1, 8, device=device)
    y = x.clone()
    y[4:] = 0.0
    assert np.allclose(host(enc(x, mask=mask))[:4], host(enc(y, mask=mask))[:4])


def test_dropout_train_and_eval(device):
    model = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                           dim_feedforward=16, dropout=0.5).to(device)
    src, tgt = mt.randn(4, 2, 8, device=device), mt.randn(3, 2, 8, device=device)
    assert not np.allclose(host(model(src, tgt)), host(model(src, tgt)))
    model.eval()
    assert np.array_equal(host(model(src, tgt)), host(model(src, tgt)))
    model.train()
    assert not np.allclose(host(model(src, tgt)), host(model(src, tgt)))
    quiet = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.5)
    quiet.eval()
    x = mt.randn(3, 2, 8)
    assert np.allclose(host(quiet(x)), host(encoder_by_hand(quiet, x)), atol=1e-6)


def test_copy_task_loss_falls():
    """Learn to copy a sequence of digits (teacher forcing, sinusoidal positions, as attention
    alone sees a set): the loss must fall well below log(vocabulary)."""
    mt.manual_seed(0)
    vocab, length, batch, d = 5, 5, 16, 32
    model = nn.Transformer(d_model=d, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                           dim_feedforward=64, dropout=0.0)
    embed = nn.Embedding(vocab + 1, d)                   # token `vocab` is the start symbol
    head = nn.Linear(d, vocab)
    positions = SinusoidalPositionalEncoding(d, max_len=length)
    params = list(model.parameters()) + list(embed.parameters()) + list(head.parameters())
    opt = mt.optim.Adam(params, lr=5e-3)
    mask = model.generate_square_subsequent_mask(length)
    start = mt.full((1, batch), vocab, dtype=mt.int64)
    losses = []
    for _ in range(40):
        seq = mt.randint(0, vocab, (length, batch))
        tgt_in = mt.cat([start, seq[:-1]], 0)            # shifted right
        logits = head(model(positions(embed(seq)), positions(embed(tgt_in)), tgt_mask=mask))
        loss = F.cross_entropy(logits.reshape(-1, vocab), seq.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[0] > 0.8 * math.log(vocab)
    assert np.mean(losses[-5:]) < 0.5 * losses[0]


# ---- reprs and errors -------------------------------------------------------------------------

def test_encoder_layer_repr_is_pytorchs():
    assert repr(nn.TransformerEncoderLayer(16, 4, 32)) == (
        "TransformerEncoderLayer(\n"
        "  (self_attn): MultiheadAttention(\n"
        "    (out_proj): NonDynamicallyQuantizableLinear(in_features=16, out_features=16, "
        "bias=True)\n"
        "  )\n"
        "  (linear1): Linear(in_features=16, out_features=32, bias=True)\n"
        "  (dropout): Dropout(p=0.1, inplace=False)\n"
        "  (linear2): Linear(in_features=32, out_features=16, bias=True)\n"
        "  (norm1): LayerNorm((16,), eps=1e-05, elementwise_affine=True, bias=True)\n"
        "  (norm2): LayerNorm((16,), eps=1e-05, elementwise_affine=True, bias=True)\n"
        "  (dropout1): Dropout(p=0.1, inplace=False)\n"
        "  (dropout2): Dropout(p=0.1, inplace=False)\n"
        ")")
    dec = repr(nn.TransformerDecoderLayer(16, 4, 32))
    children = [line.split(")")[0].strip(" (") for line in dec.splitlines()
                if line.startswith("  (")]
    assert children == ["self_attn", "multihead_attn", "linear1", "dropout", "linear2",
                        "norm1", "norm2", "norm3", "dropout1", "dropout2", "dropout3"]


def test_errors():
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")
    with pytest.raises(RuntimeError, match="activation should be relu/gelu, not swish"):
        nn.TransformerDecoderLayer(8, 2, activation="swish")
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.TransformerEncoderLayer(10, 3)
    model = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                           dim_feedforward=16)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        model(mt.randn(4, 2, 8), mt.randn(3, 3, 8))
    bf = nn.Transformer(d_model=8, nhead=2, num_encoder_layers=1, num_decoder_layers=1,
                        dim_feedforward=16, batch_first=True)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        bf(mt.randn(2, 4, 8), mt.randn(3, 4, 8))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to "
                                           "d_model"):
        model(mt.randn(4, 2, 8), mt.randn(3, 2, 6))
    layer = nn.TransformerDecoderLayer(8, 2, 16)
    with pytest.raises(RuntimeError, match="Need attn_mask if specifying the is_causal hint"):
        layer(mt.randn(3, 1, 8), mt.randn(2, 1, 8), tgt_is_causal=True)

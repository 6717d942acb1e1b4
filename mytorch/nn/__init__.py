"""mytorch.nn: layers and models, as `torch.nn`.

    module.py         Module: registration of parameters, buffers and children; state_dict,
                      to(), train/eval, hooks, repr
    parameter.py      Parameter: a tensor that a module learns
    containers.py     Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict,
                      Identity, Flatten, Unflatten
    linear.py         Linear, Bilinear
    sparse.py         Embedding
    dropout.py        Dropout, Dropout1d/2d/3d
    conv.py           Conv1d/2d/3d, ConvTranspose1d/2d/3d, Unfold, Fold
    pooling.py        MaxPool*, AvgPool*, AdaptiveAvgPool*, AdaptiveMaxPool*
    upsampling.py     Upsample, PixelShuffle, PixelUnshuffle
    rnn.py            RNN, GRU, LSTM and RNNCell, GRUCell, LSTMCell
    attention.py      MultiheadAttention, DotProductAttention, AdditiveAttention
    transformer.py    Transformer, TransformerEncoder(Layer), TransformerDecoder(Layer)
    positional.py     SinusoidalPositionalEncoding, LearnedPositionalEmbedding, ALiBi,
                      RelativePositionBias, RotaryEmbedding (RoPE)
    normalization.py  LayerNorm, RMSNorm, GroupNorm, BatchNorm1d, BatchNorm2d, BatchNorm3d,
                      InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
    activation.py     ReLU, GELU, Softmax, ... as modules
    loss.py           CrossEntropyLoss, MSELoss, ... as modules
    functional.py     the stateless form of all of these (`mytorch.nn.functional`)
    init.py           initialisations (`mytorch.nn.init`): kaiming, xavier, orthogonal, ...
    utils/           clip_grad_norm_, parameters_to_vector, ... (`mytorch.nn.utils`);
                      utils/rnn.py: pad_sequence, pack_padded_sequence, PackedSequence

Everything here is built from `mytorch.ops`; optimizers live in `mytorch.optim`, data loading
in `mytorch.utils.data`.
"""
from . import functional, init, utils
from .parameter import Parameter
from .module import Module
from .containers import (Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict,
                         Identity, Flatten, Unflatten)
from .linear import Linear, Bilinear
from .sparse import Embedding
from .dropout import Dropout, Dropout1d, Dropout2d, Dropout3d
from .conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d,
                   Unfold, Fold)
from .pooling import (MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d,
                      AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d,
                      AdaptiveMaxPool2d, AdaptiveMaxPool3d)
from .upsampling import Upsample, PixelShuffle, PixelUnshuffle
from .attention import MultiheadAttention, DotProductAttention, AdditiveAttention
from .positional import (SinusoidalPositionalEncoding, LearnedPositionalEmbedding,
                         RelativePositionBias, ALiBi, RotaryEmbedding)
from .transformer import (Transformer, TransformerEncoder, TransformerDecoder,
                          TransformerEncoderLayer, TransformerDecoderLayer)
from .rnn import RNNBase, RNN, GRU, LSTM, RNNCellBase, RNNCell, GRUCell, LSTMCell
from .normalization import (LayerNorm, RMSNorm, GroupNorm, BatchNorm1d, BatchNorm2d,
                            BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d)
from .activation import (ReLU, ReLU6, LeakyReLU, ELU, CELU, SELU, GELU, SiLU, Mish, Tanh,
                         Sigmoid, LogSigmoid, Softsign, Tanhshrink, Softplus, Hardtanh,
                         Hardsigmoid, Hardswish, Threshold, GLU, PReLU, Softmax, Softmin,
                         LogSoftmax)
from .loss import (L1Loss, MSELoss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss,
                   BCEWithLogitsLoss, KLDivLoss, MarginRankingLoss, HingeEmbeddingLoss,
                   CosineEmbeddingLoss, TripletMarginLoss, PoissonNLLLoss, GaussianNLLLoss)
from .loss import CTCLoss

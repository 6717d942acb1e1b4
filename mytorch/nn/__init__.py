"""mytorch.nn: layers and models, as `torch.nn`.

    module.py         Module: registration of parameters, buffers and children; state_dict,
                      to(), train/eval, hooks, repr
    backward_hooks.py the identity Function behind the module backward hooks
    parameter.py      Parameter: a tensor that a module learns
    containers.py     Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict,
                      Identity, Flatten, Unflatten
    linear.py         Linear, Bilinear
    sparse.py         Embedding, EmbeddingBag
    dropout.py        Dropout, Dropout1d/2d/3d, AlphaDropout, FeatureAlphaDropout
    conv.py           Conv1d/2d/3d, ConvTranspose1d/2d/3d, Unfold, Fold
    pooling.py        MaxPool*, AvgPool*, AdaptiveAvgPool*, AdaptiveMaxPool*, LPPool*,
                      MaxUnpool*
    padding.py        ConstantPad*, ZeroPad*, ReflectionPad*, ReplicationPad*, CircularPad*
    upsampling.py     Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle,
                      PixelUnshuffle, ChannelShuffle
    rnn.py            RNN, GRU, LSTM and RNNCell, GRUCell, LSTMCell
    attention.py      MultiheadAttention, DotProductAttention, AdditiveAttention
    transformer.py    Transformer, TransformerEncoder(Layer), TransformerDecoder(Layer)
    positional.py     SinusoidalPositionalEncoding, LearnedPositionalEmbedding, ALiBi,
                      RelativePositionBias, RotaryEmbedding (RoPE)
    normalization.py  LayerNorm, RMSNorm, GroupNorm, BatchNorm1d, BatchNorm2d, BatchNorm3d,
                      InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, LocalResponseNorm
    lazy.py           LazyLinear, LazyConv*, LazyConvTranspose*, LazyBatchNorm*,
                      LazyInstanceNorm*: sizes read from the first input
    adaptive.py       AdaptiveLogSoftmaxWithLoss
    activation.py     ReLU, GELU, Softmax, ... as modules
    loss.py           CrossEntropyLoss, MSELoss, ... as modules; CosineSimilarity,
                      PairwiseDistance
    functional.py     the stateless form of all of these (`mytorch.nn.functional`)
    init.py           initialisations (`mytorch.nn.init`): kaiming, xavier, orthogonal, ...
    utils/           clip_grad_norm_, parameters_to_vector, ... (`mytorch.nn.utils`);
                      utils/rnn.py: pad_sequence, pack_padded_sequence, PackedSequence

Everything here is built from `mytorch.ops`; optimizers live in `mytorch.optim`, data loading
in `mytorch.utils.data`.
"""
from . import functional, init, utils
from .parameter import Parameter, UninitializedParameter, UninitializedBuffer
from .module import Module
from .containers import (Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict,
                         Identity, Flatten, Unflatten)
from .linear import Linear, Bilinear
from .sparse import Embedding, EmbeddingBag
from .dropout import (Dropout, Dropout1d, Dropout2d, Dropout3d, AlphaDropout,
                      FeatureAlphaDropout)
from .conv import (Conv1d, Conv2d, Conv3d, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d,
                   Unfold, Fold)
from .pooling import (MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d,
                      AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d, AdaptiveMaxPool1d,
                      AdaptiveMaxPool2d, AdaptiveMaxPool3d, LPPool1d, LPPool2d, LPPool3d,
                      MaxUnpool1d, MaxUnpool2d, MaxUnpool3d)
from .padding import (ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad1d, ZeroPad2d,
                      ZeroPad3d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d,
                      ReplicationPad1d, ReplicationPad2d, ReplicationPad3d, CircularPad1d,
                      CircularPad2d, CircularPad3d)
from .upsampling import (Upsample, UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle,
                         PixelUnshuffle, ChannelShuffle)
from .attention import MultiheadAttention, DotProductAttention, AdditiveAttention
from .positional import (SinusoidalPositionalEncoding, LearnedPositionalEmbedding,
                         RelativePositionBias, ALiBi, RotaryEmbedding)
from .transformer import (Transformer, TransformerEncoder, TransformerDecoder,
                          TransformerEncoderLayer, TransformerDecoderLayer)
from .rnn import RNNBase, RNN, GRU, LSTM, RNNCellBase, RNNCell, GRUCell, LSTMCell
from .normalization import (LayerNorm, RMSNorm, GroupNorm, BatchNorm1d, BatchNorm2d,
                            BatchNorm3d, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d,
                            LocalResponseNorm)
from .lazy import (LazyLinear, LazyConv1d, LazyConv2d, LazyConv3d, LazyConvTranspose1d,
                   LazyConvTranspose2d, LazyConvTranspose3d, LazyBatchNorm1d, LazyBatchNorm2d,
                   LazyBatchNorm3d, LazyInstanceNorm1d, LazyInstanceNorm2d, LazyInstanceNorm3d)
from .adaptive import AdaptiveLogSoftmaxWithLoss
from .activation import (ReLU, ReLU6, LeakyReLU, ELU, CELU, SELU, GELU, SiLU, Mish, Tanh,
                         Sigmoid, LogSigmoid, Softsign, Tanhshrink, Softplus, Hardtanh,
                         Hardsigmoid, Hardswish, Threshold, GLU, PReLU, Softmax, Softmin,
                         LogSoftmax, Softmax2d)
from .activation import RReLU, Hardshrink, Softshrink
from .loss import (L1Loss, MSELoss, SmoothL1Loss, HuberLoss, NLLLoss, CrossEntropyLoss, BCELoss,
                   BCEWithLogitsLoss, KLDivLoss, MarginRankingLoss, HingeEmbeddingLoss,
                   CosineEmbeddingLoss, TripletMarginLoss, PoissonNLLLoss, GaussianNLLLoss)
from .loss import (TripletMarginWithDistanceLoss, SoftMarginLoss, MultiLabelSoftMarginLoss,
                   MultiMarginLoss, MultiLabelMarginLoss, CosineSimilarity, PairwiseDistance)
from .loss import CTCLoss

"""mytorch.models: reference models, built only from `mytorch.nn`, laid out as torchvision's
where torchvision has one (the same module names, so the same state-dict keys).

    lenet.py      LeNet5                     LeCun et al. 1998, for 28×28, 32×32 or 8×8 images
    vgg.py        VGG, make_layers, cfgs,    Simonyan and Zisserman 2015; vgg_small for 28×28
                  vgg_small
    resnet.py     BasicBlock, Bottleneck,    He et al. 2016; small_input for 28×28 / 32×32,
                  ResNet, resnet18/34/50,    residual=False for the plain net of the same depth
                  resnet_cifar
    mobilenet.py  DepthwiseSeparableConv,    Howard et al. 2017; a small one for 28×28
                  MobileNet
    gpt.py        GPTConfig, GPT,            a decoder-only Transformer (Radford et al. 2018/19):
                  top_k_top_p_filtering      pre-norm, weight tying, RoPE/RMSNorm/SwiGLU
                                             variants, generate() with a key/value cache
    seq2seq.py    Seq2SeqTransformer         Vaswani et al. 2017's encoder-decoder, with greedy
                                             and beam-search decoding

Each module's docstring gives the architecture and its shapes. No pretrained weights: every
model starts from its paper's (torchvision's) initialisation. Training loops live in
`examples/`, not here.
"""
from .lenet import LeNet5
from .vgg import VGG, make_layers, cfgs, vgg_small
from .resnet import BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50, resnet_cifar
from .mobilenet import DepthwiseSeparableConv, MobileNet
from .gpt import GPTConfig, GPT, top_k_top_p_filtering
from .seq2seq import Seq2SeqTransformer

__all__ = ["LeNet5", "VGG", "make_layers", "cfgs", "vgg_small", "BasicBlock", "Bottleneck",
           "ResNet", "resnet18", "resnet34", "resnet50", "resnet_cifar",
           "DepthwiseSeparableConv", "MobileNet", "GPTConfig", "GPT", "top_k_top_p_filtering",
           "Seq2SeqTransformer"]

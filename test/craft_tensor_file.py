#!/usr/bin/env python3
"""Writes hostile or wrong tensor files for the bad-input tests (never committed):
craft_tensor_file.py KIND OUT [KIND OUT...] (one Python start for many files).
Most dicts hold 'cls16.bias' (8 floats for the test models: init-model's 8
classes), crafted, and a normal 'cls8.bias' (LibTorch 1.13 cannot read a
one-entry dict saved by Python).

  offset  storage offset 1000000 on an 8-float storage (gearnn run crashed: SIGSEGV)
  stride  stride 100 over an 8-float storage (read out of bounds, exit 0)
  numel   the pickle claims 2^20 floats per storage while each data record holds 8,
          and the tensor sits at the claimed end
  good    both tensors plain: a valid gear for the test models
  nan     'cls16.bias' all NaN
  dtype   'cls16.bias' as float64
  shape   'stem.weight' and 'stem_bn.bias' of the wrong shapes for the test models
  names   tensors the test models do not have
  empty   an empty dict
  list    a list of two tensors, not a dict
  value   'cls16.bias' is the number 5, not a tensor
"""
import collections
import sys

import torch


class View:
    """Pickles as a tensor with any storage offset, sizes and strides (torch.save itself refuses such a tensor)."""

    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())

    def __reduce__(self):
        return (torch._utils._rebuild_tensor_v2, self.args)


def craft(kind, out):
    eight = torch.arange(8, dtype=torch.float32).storage()
    zeros = torch.zeros(8)
    plain = {
        "good": {"cls16.bias": torch.zeros(8), "cls8.bias": zeros},
        "nan": {"cls16.bias": torch.full((8,), float("nan")), "cls8.bias": zeros},
        "dtype": {"cls16.bias": torch.zeros(8, dtype=torch.float64), "cls8.bias": zeros},
        "shape": {"stem.weight": torch.zeros(8, 3, 3, 3), "stem_bn.bias": torch.zeros(16)},
        "names": {"backbone.conv.weight": torch.zeros(3), "backbone.conv.bias": torch.zeros(3)},
        "empty": {},
        "list": [torch.zeros(8), zeros],
        "value": {"cls16.bias": 5, "cls8.bias": zeros},
    }
    if kind in plain:
        torch.save(plain[kind], out)
        return
    if kind == "offset":
        t = View(eight, 1000000, (8,), (1,))
    elif kind == "stride":
        t = View(eight, 0, (8,), (100,))
    elif kind == "numel":
        t = View(eight, (1 << 20) - 8, (8,), (1,))
    else:
        sys.exit("unknown kind " + kind)
    size = torch.storage.TypedStorage.size
    if kind == "numel":
        torch.storage.TypedStorage.size = lambda self: 1 << 20  # the element count torch.save pickles
    torch.save({"cls16.bias": t, "cls8.bias": torch.zeros(8)}, out)
    torch.storage.TypedStorage.size = size


args = sys.argv[1:]
if not args or len(args) % 2:
    sys.exit("usage: craft_tensor_file.py KIND OUT [KIND OUT...]")
for i in range(0, len(args), 2):
    craft(args[i], args[i + 1])

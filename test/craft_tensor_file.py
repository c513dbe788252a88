#!/usr/bin/env python3
"""Writes a hostile {name: tensor} file for the bad-input tests (never committed):
craft_tensor_file.py offset|stride|numel OUT. The dict holds 'cls16.bias' (8
floats for the test models: init-model's 8 classes) with a crafted layout, and a
normal 'cls8.bias' (LibTorch 1.13 cannot read a one-entry dict saved by Python).

  offset  storage offset 1000000 on an 8-float storage (gearnn run crashed: SIGSEGV)
  stride  stride 100 over an 8-float storage (read out of bounds, exit 0)
  numel   the pickle claims 2^20 floats per storage while each data record holds 8,
          and the tensor sits at the claimed end
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


kind, out = sys.argv[1], sys.argv[2]
eight = torch.arange(8, dtype=torch.float32).storage()
if kind == "offset":
    t = View(eight, 1000000, (8,), (1,))
elif kind == "stride":
    t = View(eight, 0, (8,), (100,))
elif kind == "numel":
    t = View(eight, (1 << 20) - 8, (8,), (1,))
    torch.storage.TypedStorage.size = lambda self: 1 << 20  # the element count torch.save pickles
else:
    sys.exit("kind must be offset, stride or numel")
torch.save({"cls16.bias": t, "cls8.bias": torch.zeros(8)}, out)

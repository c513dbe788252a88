"""Makes a TorchScript segmentation model directory for the test suite.

--kind tiny    a small conv net written here, output [N, C, h, w] at 1/2 size
--kind lraspp  torchvision's LRASPP MobileNetV3 (random weights), output {"out": ...}
Run with Debian's /usr/bin/python3 (python3-torch, python3-torchvision).
"""
import argparse
import json
import os

import torch

CLASSES = ["road", "sidewalk", "building", "pole", "vegetation", "sky", "person", "car"]
PALETTE = [[128, 64, 128], [244, 35, 232], [70, 70, 70], [153, 153, 153],
           [107, 142, 35], [70, 130, 180], [220, 20, 60], [0, 0, 142]]


class Tiny(torch.nn.Module):
    def __init__(self, classes: int):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.conv2 = torch.nn.Conv2d(8, classes, 1)

    def forward(self, x):
        return self.conv2(torch.relu(self.bn1(self.conv1(x))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", choices=["tiny", "lraspp"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", help="model input WxH (default 64x48 tiny, 128x96 lraspp)")
    args = ap.parse_args()
    torch.manual_seed(0)
    if args.kind == "tiny":
        net = Tiny(len(CLASSES))
        size = (64, 48)
    else:
        from torchvision.models.segmentation import lraspp_mobilenet_v3_large
        net = lraspp_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=len(CLASSES))
        size = (128, 96)
    if args.size:
        size = tuple(int(v) for v in args.size.split("x"))
    net.eval()
    os.makedirs(args.out, exist_ok=True)
    torch.jit.script(net).save(os.path.join(args.out, "model.pt"))
    card = {"format": "torchscript", "file": "model.pt", "classes": CLASSES, "palette": PALETTE,
            "input": {"width": size[0], "height": size[1],
                      "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225]},
            "ignore_index": 255}
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(card, f, indent=2)


if __name__ == "__main__":
    main()

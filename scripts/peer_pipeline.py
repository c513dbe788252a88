"""The peer of `gearnn run`: the same job done the way a well-tuned Python
script does it, to time gearnn against (scripts/bench_peer.sh).

PyAV decodes in its own thread, the model runs frozen and optimised for
inference (torch.jit.freeze with every gear tensor kept as a live attribute,
then torch.jit.optimize_for_inference), logits are resized with
F.interpolate and reduced with max(1).indices, and a writer thread saves the
PNG masks (PIL) and scores them against the labels. Gears switch by an
in-place copy of their tensors, following the gear of each frame that a
`gearnn run` of the same input chose (its frames.jsonl): the peer times the
same work, it does not re-implement gear selection.

Usage: python3 peer_pipeline.py VIDEO --model DIR --out DIR [--gt LABELS]
         [--gears SET --schedule FRAMES.jsonl] [--threads N] [--png-level L]
Prints one JSON line: frames, mIoU (as gearnn: mean IoU over classes present
in labels or masks, from the summed confusion matrix), seconds.
Run with Debian's /usr/bin/python3 (python3-av, python3-torch, python3-pil,
python3-opencv, python3-numpy).
"""
import argparse
import json
import os
import queue
import threading
import time

import av
import cv2
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image


class DSConv(torch.nn.Module):
    def __init__(self, cin, cout, stride, dilation):
        super().__init__()
        self.dw = torch.nn.Conv2d(cin, cin, 3, stride, dilation, dilation, groups=cin, bias=False)
        self.dw_bn = torch.nn.BatchNorm2d(cin)
        self.pw = torch.nn.Conv2d(cin, cout, 1, bias=False)
        self.pw_bn = torch.nn.BatchNorm2d(cout)

    def forward(self, x):
        return torch.relu(self.pw_bn(self.pw(torch.relu(self.dw_bn(self.dw(x))))))


class StreetNet(torch.nn.Module):
    """gearnn's built-in network (src/model/builtin_net.cpp), tensor for tensor."""

    def __init__(self, widths, head, classes):
        super().__init__()
        w = widths
        self.stem = torch.nn.Conv2d(3, w[0], 3, 2, 1, bias=False)
        self.stem_bn = torch.nn.BatchNorm2d(w[0])
        self.stage1 = torch.nn.Sequential(DSConv(w[0], w[1], 2, 1), DSConv(w[1], w[1], 1, 1))
        self.stage2 = torch.nn.Sequential(DSConv(w[1], w[2], 2, 1), DSConv(w[2], w[2], 1, 1))
        self.stage3 = torch.nn.Sequential(DSConv(w[2], w[3], 2, 1), DSConv(w[3], w[3], 1, 2), DSConv(w[3], w[3], 1, 4))
        self.ctx = torch.nn.Conv2d(w[3], head, 1, bias=False)
        self.ctx_bn = torch.nn.BatchNorm2d(head)
        self.gate = torch.nn.Conv2d(w[3], head, 1, bias=True)
        self.cls16 = torch.nn.Conv2d(head, classes, 1, bias=True)
        self.cls8 = torch.nn.Conv2d(w[2], classes, 1, bias=True)
        self.cls4 = torch.nn.Conv2d(w[1], classes, 1, bias=True)

    def forward(self, x):
        s2 = torch.relu(self.stem_bn(self.stem(x)))
        s4 = self.stage1(s2)
        s8 = self.stage2(s4)
        s16 = self.stage3(s8)
        a = torch.relu(self.ctx_bn(self.ctx(s16)))
        g = torch.sigmoid(self.gate(F.adaptive_avg_pool2d(s16, 1)))
        y = self.cls16(a * g)
        y = F.interpolate(y, size=s8.shape[2:], mode="bilinear", align_corners=False) + self.cls8(s8)
        return F.interpolate(y, size=s4.shape[2:], mode="bilinear", align_corners=False) + self.cls4(s4)


def load_model(model_dir, live):
    card = json.load(open(os.path.join(model_dir, "model.json")))
    weights = os.path.join(model_dir, card["file"])
    if card["format"] == "builtin":
        arch = card["arch"]
        net = StreetNet(arch["widths"], arch["head"], len(card["classes"]))
        net.load_state_dict(torch.load(weights))
        net = torch.jit.script(net)
    else:
        net = torch.jit.load(weights)
    net.eval()
    return card, torch.jit.optimize_for_inference(torch.jit.freeze(net, preserved_attrs=live))


def logits_of(model, x):
    y = model(x)
    return y["out"] if isinstance(y, dict) else y  # torchvision models return {"out": ...}


def live_tensor(module, name):
    for part in name.split(".")[:-1]:
        module = getattr(module, part)
    return getattr(module, name.split(".")[-1])


def confusion(ids, label, classes, ignore):
    keep = label != ignore
    return np.bincount(label[keep].astype(np.int64) * classes + ids[keep], minlength=classes * classes).reshape(
        classes, classes)


def preprocess(rgb, size, mean, std):
    w, h = size
    small = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA if rgb.shape[1] > w or rgb.shape[0] > h
                       else cv2.INTER_LINEAR)
    x = ((small.astype(np.float32) / 255.0 - mean) / std).transpose(2, 0, 1)
    return torch.from_numpy(np.ascontiguousarray(x)).unsqueeze(0)


def time_forward(args, model, gears, size, mean, std):
    inputs = []
    with av.open(args.video) as container:
        for frame in container.decode(video=0):
            inputs.append(preprocess(frame.to_ndarray(format="rgb24"), size, mean, std))
            if len(inputs) == args.forward_frames:
                break
    with torch.inference_mode():
        if gears:
            first = next(iter(gears.values()))
            for n, t in first.items():
                live_tensor(model, n).copy_(t)
        for x in inputs[:3]:
            logits_of(model, x)
        t0 = time.perf_counter()
        for x in inputs:
            logits_of(model, x)
        seconds = time.perf_counter() - t0
    print(json.dumps({"frames": len(inputs), "forward_ms": 1000 * seconds / len(inputs)}))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("video")
    ap.add_argument("--model", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--gt")
    ap.add_argument("--gears")
    ap.add_argument("--schedule", help="frames.jsonl of a gearnn run of the same input (its gear per frame)")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--png-level", type=int, default=1)
    ap.add_argument("--forward-frames", type=int, default=0,
                    help="Only time the forward on this many decoded frames (the first gear in place), "
                         "as gearnn bench forward --gears does")
    args = ap.parse_args()
    t0 = time.perf_counter()
    torch.set_num_threads(args.threads)

    gears, schedule = {}, []
    if args.gears:
        set_json = json.load(open(os.path.join(args.gears, "gears.json")))
        for g in set_json["gears"]:  # a gear that kept the base has no tensors of its own
            path = os.path.join(args.gears, g.get("file", ""))
            gears[g["name"]] = torch.load(path) if g.get("file") and os.path.exists(path) else {}
        schedule = [json.loads(line).get("gear") for line in open(args.schedule)]
    live = sorted({n for d in gears.values() for n in d})
    card, model = load_model(args.model, live)
    base = {n: live_tensor(model, n).clone() for n in live}
    w, h = card["input"]["width"], card["input"]["height"]
    mean = np.array(card["input"]["mean"], np.float32)
    std = np.array(card["input"]["std"], np.float32)
    classes, ignore = len(card["classes"]), card.get("ignore_index", 255)
    os.makedirs(os.path.join(args.out, "masks"), exist_ok=True)

    if args.forward_frames:
        time_forward(args, model, gears, (w, h), mean, std)
        return
    decoded, segmented = queue.Queue(4), queue.Queue(4)

    def decode():
        with av.open(args.video) as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for frame in container.decode(stream):
                rgb = frame.to_ndarray(format="rgb24")
                decoded.put((rgb.shape[:2], preprocess(rgb, (w, h), mean, std)))
        decoded.put(None)

    total = np.zeros((classes, classes), np.int64)

    def write():
        nonlocal total
        index = 0
        while (item := segmented.get()) is not None:
            ids = item.numpy()
            Image.fromarray(ids).save(os.path.join(args.out, "masks", f"{index:06d}.png"),
                                      compress_level=args.png_level)
            if args.gt:
                label = np.asarray(Image.open(os.path.join(args.gt, f"{index:06d}.png")))
                total += confusion(ids, label, classes, ignore)
            index += 1

    threads = [threading.Thread(target=decode), threading.Thread(target=write)]
    for t in threads:
        t.start()
    frames, current = 0, None
    with torch.inference_mode():
        while (item := decoded.get()) is not None:
            size, x = item
            gear = schedule[frames] if frames < len(schedule) else None
            if gear != current:  # in-place switch: the gear's tensors, or the base's back
                for n in live:
                    live_tensor(model, n).copy_(gears[gear][n] if gear and n in gears[gear] else base[n])
                current = gear
            logits = logits_of(model, x)
            up = F.interpolate(logits, size=size, mode="bilinear", align_corners=False)
            segmented.put(up.max(1).indices[0].to(torch.uint8))
            frames += 1
    segmented.put(None)
    for t in threads:
        t.join()
    tp = np.diag(total).astype(np.float64)
    union = total.sum(0) + total.sum(1) - np.diag(total)
    miou = float(np.mean(tp[union > 0] / union[union > 0])) if args.gt and (union > 0).any() else None
    print(json.dumps({"frames": frames, "miou": miou, "seconds": time.perf_counter() - t0}))


if __name__ == "__main__":
    main()

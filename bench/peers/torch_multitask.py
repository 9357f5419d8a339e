#!/usr/bin/python3
"""Peer benchmark: a PyTorch reference of umedpt's multi-task training step on CPU (fp32).

For throughput (img/s) and peak-RSS comparison with umedpt's multi-task trainer (`umedpt bench`
of the multitask module).  Run with the system interpreter (Debian's python3-torch /
python3-torchvision):

    /usr/bin/python3 bench/peers/torch_multitask.py                              # 3 tasks, accumulate, threads 1,2
    /usr/bin/python3 bench/peers/torch_multitask.py --tasks 6 --mode accumulate,naive --threads 2
    /usr/bin/python3 bench/peers/torch_multitask.py --quick --mode accumulate,naive   # smoke test

Model (mirrors umedpt's SharedBlocks + task heads, "nano" Swin; 112x112 input)
  encoder   torchvision SwinTransformer(patch_size=[4,4], embed_dim=48, depths=[2,2,2,2],
            num_heads=[3,6,12,24], window_size=[7,7], stochastic_depth_prob=0.0) without its head:
            stages = outputs of features[1],[3],[5],[7] (B,H,W,C: 28x28x48, 14x14x96, 7x7x192,
            4x4x384); pooled = flatten(avgpool(permute(norm(stage 4))))
  squeezer  gelu(LayerNorm(384)(pooled))                                 (classification tasks)
  decoder   U-Net pixel decoder, GroupNorm(1) + ReLU conv blocks, channels 96/64/32, then x2
            upsample, two blocks to 16 and Conv3x3+GroupNorm(1)+GELU -> 16-d embedding at
            stride 2 (56x56)                                             (segmentation tasks)
  neck      FCOS: FPN on stages 2..4 (lateral 1x1 -> 128, top-down nearest + add, 3x3 output
            convs) -> P3..P5 (strides 8,16,32), P6 = Conv3x3/2(P5), P7 = Conv3x3/2(relu(P6))
            (strides 64,128); shared classification and regression towers, each 4 x [Conv3x3
            128->128, GroupNorm(1,128), GELU]                            (detection tasks)
  heads     classification Linear(384, C); segmentation Conv3x3(16, C); detection (per task)
            cls_logits Conv3x3(128, C) (prior bias -log(99)), bbox_pred Conv3x3(128, 4) ->
            exp(scale_l * x) * stride_l with a learnable scale per level (init 1), centerness
            Conv3x3(128, 1) on the regression tower
Losses
  classification  CE / ln C
  segmentation    soft Dice (softmax; per class (2 sum p t + 1) / (sum p + sum t + 1); 1 - mean over
                  classes; ignore index -1 masked out) + focal (gamma 2, mean over valid pixels) / ln C
  detection       FCOS assignment (location inside the box and max(l,t,r,b) in the level's range
                  (lo, hi]: P3 (0,64], P4 (64,128], P5 (128,256], P6 (256,512], P7 (512,inf);
                  the smallest-area box wins), recomputed every step under no_grad;
                  sigmoid focal (gamma 2, alpha 0.25, sum) / num_pos / ln(max(C,2))
                  + IoU loss (-log IoU, mean over positives) + 0.2 * centerness BCE-with-logits
                  (mean over positives); num_pos >= 1
  (ln C is taken as at least ln 2 everywhere.)
Tasks (--tasks N, default 3): task i has type i mod 3: classification (3 classes), segmentation
  (2 classes; masks at the logits' 56x56, ~5% ignored pixels), detection (1 class; 1-6 boxes of
  8-40 px per image).  Each task's data (batch --batch, images randn (B,3,112,112)) is drawn
  once (seeded) and reused every step.
Step
  accumulate (default, umedpt's method): for each task: forward of the shared blocks its type
    needs + its head, loss (weight 1), backward (graph freed), that task's head AdamW (lr 1e-3,
    wd 1e-2) step + zero_grad; after all tasks one shared AdamW (lr 1e-4, wd 1e-2) step + zero_grad.
  naive: one graph with the sum of all task losses, one backward, then every head step and the
    shared step.
  zero_grad uses set_to_none=True.  train() mode.
Measure: 2 warm-up steps (1 with --quick), then --steps timed steps (default 5; 1 with --quick);
  median and min ms/step, img/s = tasks x batch / median step time.  Every (threads, mode) point
  runs in a fresh subprocess of this script (torch.set_num_threads there), so its peak RSS
  (ru_maxrss) is that point's own, like umedpt's fresh-JVM points.  The first warm-up step also
  checks that every shared parameter that should receive a gradient got a non-zero one (and no
  other did), and every step checks that the losses are finite.
"""

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import ensure_fair, peer_line, torch_setup  # noqa: E402

ensure_fair("1,2")  # before torch loads: fair OpenBLAS/OpenMP settings per thread count

IMAGE = 112
TYPES = ("cls", "seg", "det")
CLASSES = {"cls": 3, "seg": 2, "det": 1}
STRIDES = (8, 16, 32, 64, 128)
RANGES = ((0.0, 64.0), (64.0, 128.0), (128.0, 256.0), (256.0, 512.0), (512.0, math.inf))
FPN = 128


# --------------------------------------------------------------------------------------------
# model


def build_modules():
    import torch
    from torch import nn
    import torch.nn.functional as F
    from torchvision.models.swin_transformer import SwinTransformer

    def log_classes(c):
        return math.log(max(c, 2))

    class Encoder(nn.Module):
        """torchvision's Swin without its head: the four stage maps and the pooled vector."""

        def __init__(self):
            super().__init__()
            swin = SwinTransformer(patch_size=[4, 4], embed_dim=48, depths=[2, 2, 2, 2], num_heads=[3, 6, 12, 24],
                                   window_size=[7, 7], stochastic_depth_prob=0.0, num_classes=1000)
            self.features = swin.features
            self.norm = swin.norm
            self.avgpool = swin.avgpool
            self.channels = [48 * 2 ** i for i in range(4)]

        def forward(self, x, pooled):
            stages = []
            for i, layer in enumerate(self.features):
                x = layer(x)
                if i in (1, 3, 5, 7):
                    stages.append(x)  # (B, H, W, C)
            p = None
            if pooled:
                p = torch.flatten(self.avgpool(self.norm(stages[-1]).permute(0, 3, 1, 2)), 1)
            return stages, p

    class ConvBlock(nn.Sequential):
        def __init__(self, cin, cout, act):
            super().__init__(nn.Conv2d(cin, cout, 3, padding=1), nn.GroupNorm(1, cout), act())

    class PixelDecoder(nn.Module):
        SKIP = (96, 64, 32)
        EMBED = 16

        def __init__(self, ch):
            super().__init__()
            self.up = nn.ModuleList()
            cin = ch[-1]
            for l in range(3):
                skip, out = ch[-2 - l], self.SKIP[l]
                self.up.append(nn.Sequential(ConvBlock(cin + skip, out, nn.ReLU), ConvBlock(out, out, nn.ReLU)))
                cin = out
            self.final = nn.Sequential(ConvBlock(cin, self.EMBED, nn.ReLU), ConvBlock(self.EMBED, self.EMBED, nn.ReLU))
            self.embed = ConvBlock(self.EMBED, self.EMBED, nn.GELU)

        def forward(self, stages):
            x = stages[-1].permute(0, 3, 1, 2)
            for l, pair in enumerate(self.up):
                skip = stages[-2 - l].permute(0, 3, 1, 2)
                x = F.interpolate(x, size=skip.shape[-2:], mode="nearest")
                x = pair(torch.cat([x, skip], 1))
            x = F.interpolate(x, size=(2 * x.shape[2], 2 * x.shape[3]), mode="nearest")
            return self.embed(self.final(x))

    class DetectionNeck(nn.Module):
        """FPN P3..P7 from stages 2..4 plus the shared FCOS classification/regression towers."""

        def __init__(self, ch):
            super().__init__()
            self.lateral = nn.ModuleList(nn.Conv2d(c, FPN, 1) for c in ch[1:])
            self.output = nn.ModuleList(nn.Conv2d(FPN, FPN, 3, padding=1) for _ in ch[1:])
            self.p6 = nn.Conv2d(FPN, FPN, 3, stride=2, padding=1)
            self.p7 = nn.Conv2d(FPN, FPN, 3, stride=2, padding=1)

            def tower():
                layers = []
                for _ in range(4):
                    layers += [nn.Conv2d(FPN, FPN, 3, padding=1), nn.GroupNorm(1, FPN), nn.GELU()]
                return nn.Sequential(*layers)

            self.cls_tower = tower()
            self.reg_tower = tower()

        def forward(self, stages):
            feats = [s.permute(0, 3, 1, 2) for s in stages[1:]]  # strides 8, 16, 32
            inner = self.lateral[-1](feats[-1])
            outs = [self.output[-1](inner)]
            for i in range(len(feats) - 2, -1, -1):
                lat = self.lateral[i](feats[i])
                inner = lat + F.interpolate(inner, size=lat.shape[-2:], mode="nearest")
                outs.insert(0, self.output[i](inner))
            p6 = self.p6(outs[-1])
            p7 = self.p7(F.relu(p6))
            levels = outs + [p6, p7]
            return [(self.cls_tower(p), self.reg_tower(p)) for p in levels]

    class SharedBlocks(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = Encoder()
            ch = self.encoder.channels
            self.squeezer = nn.LayerNorm(ch[-1])
            self.decoder = PixelDecoder(ch)
            self.neck = DetectionNeck(ch)

        def forward(self, x, kind):
            stages, pooled = self.encoder(x, pooled=(kind == "cls"))
            if kind == "cls":
                return F.gelu(self.squeezer(pooled))
            if kind == "seg":
                return self.decoder(stages)
            return self.neck(stages)

    class ClsHead(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.fc = nn.Linear(384, c)

        def forward(self, f):
            return self.fc(f)

    class SegHead(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.conv = nn.Conv2d(PixelDecoder.EMBED, c, 3, padding=1)

        def forward(self, f):
            return self.conv(f)

    class DetHead(nn.Module):
        def __init__(self, c):
            super().__init__()
            self.cls_logits = nn.Conv2d(FPN, c, 3, padding=1)
            self.bbox_pred = nn.Conv2d(FPN, 4, 3, padding=1)
            self.centerness = nn.Conv2d(FPN, 1, 3, padding=1)
            self.scales = nn.Parameter(torch.ones(len(STRIDES)))
            nn.init.constant_(self.cls_logits.bias, -math.log((1 - 0.01) / 0.01))

        def forward(self, levels):
            """→ cls (B, L, C), distances in pixels (B, L, 4), centerness logits (B, L); L over all levels."""
            cls, box, ctr = [], [], []
            for i, (c, r) in enumerate(levels):
                b = c.shape[0]
                cls.append(self.cls_logits(c).flatten(2).transpose(1, 2))
                d = torch.exp(self.scales[i] * self.bbox_pred(r)) * STRIDES[i]
                box.append(d.flatten(2).transpose(1, 2))
                ctr.append(self.centerness(r).reshape(b, -1))
            return torch.cat(cls, 1), torch.cat(box, 1), torch.cat(ctr, 1)

    def cls_loss(logits, labels):
        return F.cross_entropy(logits, labels) / log_classes(logits.shape[1])

    def seg_loss(logits, mask):
        c = logits.shape[1]
        per_pixel = logits.permute(0, 2, 3, 1).reshape(-1, c)
        m = mask.reshape(-1)
        valid = (m >= 0)
        count = max(int(valid.sum()), 1)
        nll = F.cross_entropy(per_pixel, m, ignore_index=-1, reduction="none")  # 0 where ignored
        pt = torch.exp(-nll)
        focal = ((1 - pt) ** 2 * nll).sum() / count / log_classes(c)
        p = torch.softmax(per_pixel, 1) * valid.unsqueeze(1).float()
        t = F.one_hot(m.clamp(min=0), c).float() * valid.unsqueeze(1).float()
        dice = (2 * (p * t).sum(0) + 1) / (p.sum(0) + t.sum(0) + 1)
        return (1 - dice.mean()) + focal

    def locations(levels):
        """Per location over all levels: (x, y), stride, range lo, range hi."""
        pts, st, lo, hi = [], [], [], []
        for i, (c, _) in enumerate(levels):
            h, w = c.shape[-2:]
            s = STRIDES[i]
            ys, xs = torch.meshgrid(torch.arange(h, dtype=torch.float32), torch.arange(w, dtype=torch.float32),
                                    indexing="ij")
            pts.append(torch.stack([s / 2 + s * xs.reshape(-1), s / 2 + s * ys.reshape(-1)], 1))
            n = h * w
            st.append(torch.full((n,), float(s)))
            lo.append(torch.full((n,), RANGES[i][0]))
            hi.append(torch.full((n,), RANGES[i][1]))
        return torch.cat(pts), torch.cat(st), torch.cat(lo), torch.cat(hi)

    @torch.no_grad()
    def fcos_targets(levels, boxes, labels, classes):
        """→ one-hot class targets (B, L, C), ltrb targets (B, L, 4) in pixels, positive mask (B, L)."""
        pts, _, lo, hi = locations(levels)
        cls_t, reg_t, pos = [], [], []
        for bx, lb in zip(boxes, labels):
            x, y = pts[:, 0:1], pts[:, 1:2]  # (L, 1)
            ltrb = torch.stack([x - bx[:, 0], y - bx[:, 1], bx[:, 2] - x, bx[:, 3] - y], 2)  # (L, n, 4)
            inside = ltrb.min(2).values > 0
            m = ltrb.max(2).values
            ok = inside & (m > lo[:, None]) & (m <= hi[:, None])
            area = ((bx[:, 2] - bx[:, 0]) * (bx[:, 3] - bx[:, 1]))[None, :].expand_as(m)
            area = torch.where(ok, area, torch.full_like(area, math.inf))
            best, idx = area.min(1)
            p = torch.isfinite(best)
            reg_t.append(ltrb[torch.arange(ltrb.shape[0]), idx])
            ct = torch.zeros(ltrb.shape[0], classes)
            ct[p, lb[idx[p]]] = 1.0
            cls_t.append(ct)
            pos.append(p)
        return torch.stack(cls_t), torch.stack(reg_t), torch.stack(pos)

    def det_loss(levels, outputs, boxes, labels):
        from torchvision.ops import sigmoid_focal_loss
        cls, dist, ctr = outputs
        c = cls.shape[2]
        cls_t, reg_t, pos = fcos_targets(levels, boxes, labels, c)
        num_pos = max(int(pos.sum()), 1)
        focal = sigmoid_focal_loss(cls, cls_t, alpha=0.25, gamma=2.0, reduction="sum") / num_pos / log_classes(c)
        pd, td = dist[pos], reg_t[pos]  # (P, 4) l, t, r, b
        if pd.shape[0] == 0:
            return focal + 0.0 * (dist.sum() + ctr.sum())
        area_p = (pd[:, 0] + pd[:, 2]) * (pd[:, 1] + pd[:, 3])
        area_t = (td[:, 0] + td[:, 2]) * (td[:, 1] + td[:, 3])
        iw = torch.minimum(pd[:, 0], td[:, 0]) + torch.minimum(pd[:, 2], td[:, 2])
        ih = torch.minimum(pd[:, 1], td[:, 1]) + torch.minimum(pd[:, 3], td[:, 3])
        inter = iw * ih
        iou = inter / (area_p + area_t - inter).clamp(min=1e-12)
        iou_loss = -torch.log(iou.clamp(min=1e-6)).mean()
        lr_, tb = td[:, [0, 2]], td[:, [1, 3]]
        ctr_t = torch.sqrt((lr_.min(1).values / lr_.max(1).values) * (tb.min(1).values / tb.max(1).values))
        ctr_loss = F.binary_cross_entropy_with_logits(ctr[pos], ctr_t, reduction="mean")
        return focal + iou_loss + 0.2 * ctr_loss

    return dict(SharedBlocks=SharedBlocks, heads=dict(cls=ClsHead, seg=SegHead, det=DetHead),
                cls_loss=cls_loss, seg_loss=seg_loss, det_loss=det_loss, fcos_targets=fcos_targets)


# --------------------------------------------------------------------------------------------
# one benchmark point (runs in a fresh subprocess)


def make_data(kind, batch, seed):
    import torch
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, 3, IMAGE, IMAGE, generator=g)
    c = CLASSES[kind]
    if kind == "cls":
        return x, torch.randint(0, c, (batch,), generator=g)
    if kind == "seg":
        h = IMAGE // 2  # the logits' resolution (stride 2)
        mask = torch.randint(0, c, (batch, h, h), generator=g)
        mask[torch.rand(batch, h, h, generator=g) < 0.05] = -1
        return x, mask
    boxes, labels = [], []
    for _ in range(batch):
        n = int(torch.randint(1, 7, (1,), generator=g))
        wh = torch.randint(8, 41, (n, 2), generator=g).float()
        x1 = (torch.rand(n, generator=g) * (IMAGE - wh[:, 0])).floor()
        y1 = (torch.rand(n, generator=g) * (IMAGE - wh[:, 1])).floor()
        boxes.append(torch.stack([x1, y1, x1 + wh[:, 0], y1 + wh[:, 1]], 1))
        labels.append(torch.randint(0, c, (n,), generator=g))
    return x, (boxes, labels)


def count(params):
    return sum(p.numel() for p in params)


def run_point(threads, mode, n_tasks, batch, steps, warmup):
    import torch
    torch.set_num_threads(threads)
    torch_setup(torch)
    torch.manual_seed(0)
    m = build_modules()
    shared = m["SharedBlocks"]()
    shared.train()
    kinds = [TYPES[i % 3] for i in range(n_tasks)]
    heads = [m["heads"][k](CLASSES[k]) for k in kinds]
    for h in heads:
        h.train()
    data = [make_data(k, batch, 1000 + i) for i, k in enumerate(kinds)]
    shared_opt = torch.optim.AdamW(shared.parameters(), lr=1e-4, weight_decay=1e-2)
    head_opts = [torch.optim.AdamW(h.parameters(), lr=1e-3, weight_decay=1e-2) for h in heads]

    def task_loss(i):
        k = kinds[i]
        x, y = data[i]
        f = shared(x, k)
        out = heads[i](f)
        if k == "cls":
            return m["cls_loss"](out, y)
        if k == "seg":
            return m["seg_loss"](out, y)
        return m["det_loss"](f, out, y[0], y[1])

    blocks = {"encoder.features": shared.encoder.features, "encoder.norm": shared.encoder.norm,
              "squeezer": shared.squeezer, "decoder": shared.decoder, "neck": shared.neck}
    expect = {"encoder.features": True, "encoder.norm": "cls" in kinds, "squeezer": "cls" in kinds,
              "decoder": "seg" in kinds, "neck": "det" in kinds}
    report = {}

    def has_grad(p):
        return p.grad is not None and bool(p.grad.abs().sum() > 0)

    def check_heads(i):
        ps = list(heads[i].parameters())
        report.setdefault("heads", []).append([kinds[i], sum(has_grad(p) for p in ps), len(ps)])

    def check_shared():
        out = {}
        for name, mod in blocks.items():
            ps = list(mod.parameters())
            got = sum(has_grad(p) for p in ps)
            out[name] = [got, len(ps), bool(expect[name])]
            want = len(ps) if expect[name] else 0
            if got != want:
                raise SystemExit(f"gradient check failed: {name}: {got} of {len(ps)} parameters got a gradient, "
                                 f"expected {want}")
        report["shared_grads"] = out

    def step(check=False):
        losses = []
        if mode == "accumulate":
            for i in range(n_tasks):
                loss = task_loss(i)
                loss.backward()
                losses.append(loss.item())
                if check:
                    check_heads(i)
                head_opts[i].step()
                head_opts[i].zero_grad(set_to_none=True)
        else:
            total = None
            for i in range(n_tasks):
                loss = task_loss(i)
                losses.append(loss.item())
                total = loss if total is None else total + loss
            total.backward()
            for i in range(n_tasks):
                if check:
                    check_heads(i)
                head_opts[i].step()
                head_opts[i].zero_grad(set_to_none=True)
        if check:
            check_shared()
        shared_opt.step()
        shared_opt.zero_grad(set_to_none=True)
        bad = [(kinds[i], v) for i, v in enumerate(losses) if not math.isfinite(v)]
        if bad:
            raise SystemExit(f"non-finite loss: {bad}")
        return losses

    for w in range(warmup):
        step(check=(w == 0))
    times, losses = [], None
    for s in range(steps):
        t0 = time.perf_counter()
        losses = step(check=(warmup == 0 and s == 0))
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    with torch.no_grad():
        stages, _ = shared.encoder(data[0][0][:1], pooled=False)
    report.update({
        "threads": threads, "mode": mode, "kinds": kinds, "batch": batch, "steps": steps, "warmup": warmup,
        "ms_med": med * 1e3, "ms_min": min(times) * 1e3, "img_s": n_tasks * batch / med,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "losses": losses,
        "stage_shapes": [list(s.shape[1:]) for s in stages],
        "params": {
            "encoder": count(shared.encoder.parameters()), "squeezer": count(shared.squeezer.parameters()),
            "decoder": count(shared.decoder.parameters()), "neck.fpn": count(
                p for n, p in shared.neck.named_parameters() if not n.startswith(("cls_tower", "reg_tower"))),
            "neck.towers": count(
                p for n, p in shared.neck.named_parameters() if n.startswith(("cls_tower", "reg_tower"))),
            "neck": count(shared.neck.parameters()), "shared": count(shared.parameters()),
            "heads": [[k, count(h.parameters())] for k, h in zip(kinds, heads)],
        },
    })
    return report


# --------------------------------------------------------------------------------------------
# driver


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tasks", type=int, default=3, help="number of tasks; task i has type i mod 3 (cls, seg, det)")
    ap.add_argument("--mode", default="accumulate", help="comma list of: accumulate, naive")
    ap.add_argument("--isa", default="native", choices=["native", "avx2"],
                    help="native: OpenBLAS picks its kernels; avx2: keep AVX2 kernels (compare with -XX:UseAVX=2)")
    ap.add_argument("--threads", default=None, help="comma list of torch.set_num_threads values (default 1,2; 1 with --quick)")
    ap.add_argument("--batch", type=int, default=None, help="batch per task (default 8; 2 with --quick)")
    ap.add_argument("--steps", type=int, default=None, help="timed steps (default 5; 1 with --quick)")
    ap.add_argument("--warmup", type=int, default=None, help="warm-up steps (default 2; 1 with --quick)")
    ap.add_argument("--quick", action="store_true", help="smoke test: 1 warm-up, 1 step, batch 2, threads 1")
    ap.add_argument("--point", default=None, help=argparse.SUPPRESS)  # internal: "threads,mode" in a subprocess
    args = ap.parse_args()

    batch = args.batch if args.batch is not None else (2 if args.quick else 8)
    steps = args.steps if args.steps is not None else (1 if args.quick else 5)
    warmup = args.warmup if args.warmup is not None else (1 if args.quick else 2)
    if args.tasks < 1 or batch < 1 or steps < 1 or warmup < 0:
        ap.error("need --tasks >= 1, --batch >= 1, --steps >= 1, --warmup >= 0")

    if args.point is not None:
        t, mode = args.point.split(",")
        print(json.dumps(run_point(int(t), mode, args.tasks, batch, steps, warmup)))
        return

    modes = [s.strip() for s in args.mode.split(",") if s.strip()]
    for md in modes:
        if md not in ("accumulate", "naive"):
            ap.error(f"unknown mode {md!r}")
    threads = [int(t) for t in (args.threads or ("1" if args.quick else "1,2")).split(",") if t.strip()]

    rows = []
    for t in threads:
        for md in modes:
            cmd = [sys.executable, os.path.abspath(__file__), "--point", f"{t},{md}", "--tasks", str(args.tasks),
                   "--batch", str(batch), "--steps", str(steps), "--warmup", str(warmup)]
            p = subprocess.run(cmd, capture_output=True, text=True)
            if p.returncode != 0:
                sys.stderr.write(p.stdout + p.stderr)
                sys.exit(f"point threads={t} mode={md} failed (exit {p.returncode})")
            rows.append(json.loads(p.stdout.strip().splitlines()[-1]))

    import torch
    import torchvision
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from peer_common import cpu_model  # noqa: E402
    print(peer_line())
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}, CPU: {cpu_model()}, "
          f"os.cpu_count() {os.cpu_count()}, load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print(f"nano Swin encoder, {IMAGE}x{IMAGE} input, fp32, train() mode; warm-up {warmup} steps; "
          f"each point in a fresh process\n")
    print("| config | tasks | mode | threads | batch/task | steps | median ms/step | min ms/step | img/s "
          "| peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        tasks = f"{len(r['kinds'])} ({','.join(r['kinds'])})"
        print(f"| nano | {tasks} | {r['mode']} | {r['threads']} | {r['batch']} | {r['steps']} | {r['ms_med']:.1f} "
              f"| {r['ms_min']:.1f} | {r['img_s']:.2f} | {r['rss']:.0f} |")

    r0 = rows[0]
    pc = r0["params"]
    print(f"\nstage maps (H, W, C): {r0['stage_shapes']}")
    print(f"parameters: encoder {pc['encoder']:,d}, squeezer {pc['squeezer']:,d}, decoder {pc['decoder']:,d}, "
          f"neck {pc['neck']:,d} (FPN {pc['neck.fpn']:,d} + towers {pc['neck.towers']:,d}), "
          f"shared total {pc['shared']:,d}; heads "
          + ", ".join(f"{k} {n:,d}" for k, n in pc["heads"]))
    for r in rows:
        g = r["shared_grads"]
        print(f"threads {r['threads']} {r['mode']}: last-step losses "
              + ", ".join(f"{k} {v:.4f}" for k, v in zip(r["kinds"], r["losses"]))
              + "; shared params with gradient (got/total): "
              + ", ".join(f"{n} {a}/{b}" for n, (a, b, _) in g.items())
              + "; heads " + ", ".join(f"{k} {a}/{b}" for k, a, b in r["heads"]))


if __name__ == "__main__":
    main()

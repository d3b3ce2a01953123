#!/usr/bin/python3
"""senti's plain model (embedding -> additive attention pooling -> linear) in Python PyTorch, for
the speed benchmark: same SentencePiece model, dimensions, batch size, optimiser (AdamW, warm-up
and linear decay, clipping), token dropout and length-bucketed batches as `senti-train --encoder
none --subword-alpha 0`. Prints one JSON object: per-epoch seconds and tokens/s, dev accuracy,
and prediction throughput.
"""
import argparse
import ctypes
import csv
import json
import math
import os
import random
import sys
import time

import sentencepiece as spm
import torch
import torch.nn.functional as F


class AttentionPooling(torch.nn.Module):
    def __init__(self, dim, attention_dim, heads=1):
        super().__init__()
        self.projection = torch.nn.Linear(dim, attention_dim)
        self.scorer = torch.nn.Linear(attention_dim, heads, bias=False)

    def forward(self, inputs, mask):
        scores = self.scorer(torch.tanh(self.projection(inputs))).transpose(1, 2)
        keep = mask.unsqueeze(1)
        scores = scores.masked_fill(~keep, float("-inf"))
        weights = torch.softmax(scores, dim=-1).masked_fill(~keep, 0.0)
        return torch.bmm(weights, inputs).reshape(inputs.size(0), -1), weights


class PlainClassifier(torch.nn.Module):
    def __init__(self, vocab, dim, attention_dim, classes, dropout):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, dim, padding_idx=0)
        with torch.no_grad():
            torch.nn.init.normal_(self.embedding.weight, 0.0, 0.1)
            self.embedding.weight[0].zero_()
        self.dropout = torch.nn.Dropout(dropout)
        self.pooling = AttentionPooling(dim, attention_dim)
        self.output = torch.nn.Linear(dim, classes)

    def forward(self, ids):
        mask = ids.ne(0)
        pooled, _ = self.pooling(self.dropout(self.embedding(ids)), mask)
        return self.output(self.dropout(pooled))


class LazyAdamW:
    """senti's optimiser (lib/src/lazy_adamw.cpp): AdamW for dense parameters; for the sparse
    embedding gradient only the rows a batch used get moments, decay and a step."""

    def __init__(self, model, lr, weight_decay, betas=(0.9, 0.999), eps=1e-8):
        self.embedding = model.embedding.weight
        dense = [p for p in model.parameters() if p is not self.embedding]
        self.dense = torch.optim.AdamW(dense, lr=lr, weight_decay=weight_decay, betas=betas, eps=eps)
        self.param_groups = self.dense.param_groups
        self.weight_decay, self.betas, self.eps = weight_decay, betas, eps
        self.m = torch.zeros_like(self.embedding)
        self.v = torch.zeros_like(self.embedding)
        self.t = 0

    def zero_grad(self):
        self.dense.zero_grad()
        self.embedding.grad = None

    @torch.no_grad()
    def step(self):
        self.dense.step()
        if self.embedding.grad is None:
            return
        lr = self.param_groups[0]["lr"]
        beta1, beta2 = self.betas
        self.t += 1
        grad = self.embedding.grad.coalesce()
        rows, values = grad.indices()[0], grad.values()
        m = self.m.index_select(0, rows).mul_(beta1).add_(values, alpha=1 - beta1)
        v = self.v.index_select(0, rows).mul_(beta2).addcmul_(values, values, value=1 - beta2)
        weights = self.embedding.index_select(0, rows).mul_(1 - lr * self.weight_decay)
        denom = (v.sqrt() / math.sqrt(1 - beta2 ** self.t)).add_(self.eps)
        weights.addcdiv_(m, denom, value=-lr / (1 - beta1 ** self.t))
        self.m.index_copy_(0, rows, m)
        self.v.index_copy_(0, rows, v)
        self.embedding.index_copy_(0, rows, weights)


def clip(parameters, max_norm):
    grads = [p.grad.coalesce() if p.grad.is_sparse else p.grad for p in parameters if p.grad is not None]
    total = math.sqrt(sum(float((g._values() if g.is_sparse else g).pow(2).sum()) for g in grads))
    scale = max_norm / (total + 1e-6)
    if scale < 1:
        for p in parameters:
            if p.grad is not None:
                if p.grad.is_sparse:
                    p.grad = p.grad.coalesce()
                    p.grad._values().mul_(scale)
                else:
                    p.grad.mul_(scale)


def read(path, text_column, label_column):
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        rows = list(csv.DictReader(f))
    return [(r[text_column].strip(), r[label_column].strip()) for r in rows
            if r[text_column].strip() and r[label_column].strip()]


def encode(sp, texts, max_tokens):
    return [(sp.encode(t)[:max_tokens] or [1]) for t in texts]


def pad(sequences):
    longest = max(1, max(len(s) for s in sequences))
    ids = torch.zeros(len(sequences), longest, dtype=torch.long)
    for row, s in enumerate(sequences):
        ids[row, :len(s)] = torch.tensor(s, dtype=torch.long)
    return ids


def batches(data, batch_size, rng):
    order = list(range(len(data)))
    rng.shuffle(order)
    chunk = batch_size * 50
    for begin in range(0, len(order), chunk):
        order[begin:begin + chunk] = sorted(order[begin:begin + chunk], key=lambda i: len(data[i][0]))
    out = [order[b:b + batch_size] for b in range(0, len(order), batch_size)]
    rng.shuffle(out)
    return out


def use_senti_blas_kernels():
    """What senti's select_blas_kernels() (lib/src/blas.cpp) does, so that both sides multiply
    with the same OpenBLAS kernels: where OpenBLAS fell back to its Prescott kernels on a CPU it
    does not know, switch to SkylakeX (AVX-512) or Haswell (AVX2 + FMA). Returns the core used."""
    try:
        blas = ctypes.CDLL("libblas.so.3")  # the copy LibTorch already loaded
        corename = blas.openblas_get_corename
        corename.restype = ctypes.c_char_p
        quit_, init = blas.gotoblas_dynamic_quit, blas.gotoblas_dynamic_init
    except (OSError, AttributeError):
        return ""  # not OpenBLAS with run-time kernel choice
    detected = corename().decode()
    if detected.lower() != "prescott" or "OPENBLAS_CORETYPE" in os.environ:
        return detected
    flags = set()
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    avx2 = {"avx2", "fma"} <= flags
    avx512 = avx2 and {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"} <= flags
    core = "SkylakeX" if avx512 else "Haswell" if avx2 else ""
    if core:
        os.environ["OPENBLAS_CORETYPE"] = core
        quit_()
        init()
        del os.environ["OPENBLAS_CORETYPE"]
    return corename().decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--train", required=True)
    parser.add_argument("--eval", required=True)
    parser.add_argument("--predict", help="a text file, one sentence per line, to time prediction on")
    parser.add_argument("--tokenizer", required=True, help="tokenizer.model of a senti model")
    parser.add_argument("--text-column", default="sentence")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--dim", type=int, default=96)
    parser.add_argument("--attention-dim", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--weight-decay", type=float, default=0.01)
    parser.add_argument("--warmup", type=float, default=0.05)
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument("--token-dropout", type=float, default=0.1)
    parser.add_argument("--max-tokens", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--optimizer", choices=["adamw", "lazy"], default="adamw",
                        help="adamw: PyTorch's dense AdamW (what a Python user writes); lazy: "
                             "senti's update (sparse embedding gradient, lazy AdamW rows)")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    blas_core = use_senti_blas_kernels()
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    sp = spm.SentencePieceProcessor(model_file=args.tokenizer)
    train_rows = read(args.train, args.text_column, args.label_column)
    eval_rows = read(args.eval, args.text_column, args.label_column)
    labels = sorted({label for _, label in train_rows})
    index = {label: i for i, label in enumerate(labels)}
    train = list(zip(encode(sp, [t for t, _ in train_rows], args.max_tokens),
                     [index[l] for _, l in train_rows]))
    model = PlainClassifier(sp.get_piece_size(), args.dim, args.attention_dim, len(labels), args.dropout)
    if args.optimizer == "lazy":
        model.embedding.sparse = True
        optimizer = LazyAdamW(model, args.lr, args.weight_decay)
    else:
        optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    steps_per_epoch = math.ceil(len(train) / args.batch_size)
    total = steps_per_epoch * args.epochs
    warmup = math.ceil(args.warmup * total)
    step = 0
    epochs = []
    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        tokens = 0
        for indexes in batches(train, args.batch_size, rng):
            ids = pad([train[i][0] for i in indexes])
            gold = torch.tensor([train[i][1] for i in indexes])
            tokens += sum(len(train[i][0]) for i in indexes)
            if args.token_dropout > 0:
                drop = (torch.rand(ids.shape) < args.token_dropout) & ids.ne(0)
                ids = ids.masked_fill(drop, 1)
            rate = (args.lr * (step + 1) / warmup if step < warmup else
                    args.lr * (1 - 0.9 * min(1.0, (step - warmup) / max(1, total - warmup))))
            for group in optimizer.param_groups:
                group["lr"] = rate
            step += 1
            optimizer.zero_grad()
            loss = F.cross_entropy(model(ids), gold)
            loss.backward()
            clip(list(model.parameters()), 1.0)
            optimizer.step()
        seconds = time.perf_counter() - start
        epochs.append({"epoch": epoch, "seconds": seconds, "tokens_per_second": tokens / seconds})
        print(f"reference: epoch {epoch} {seconds:.1f}s {tokens / seconds / 1000:.0f}k tok/s",
              file=sys.stderr)

    model.eval()
    with torch.inference_mode():
        ids = encode(sp, [t for t, _ in eval_rows], args.max_tokens)
        correct = 0
        for b in range(0, len(ids), 256):
            predicted = model(pad(ids[b:b + 256])).argmax(1).tolist()
            correct += sum(p == index.get(l, -1) for p, (_, l) in zip(predicted, eval_rows[b:b + 256]))
    result = {"epochs": epochs, "eval_accuracy": correct / len(eval_rows), "blas_core": blas_core}

    if args.predict:
        with open(args.predict, encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        start = time.perf_counter()
        with torch.inference_mode():
            for b in range(0, len(lines), 256):
                chunk = encode(sp, lines[b:b + 256], args.max_tokens)
                order = sorted(range(len(chunk)), key=lambda i: len(chunk[i]))
                probabilities = torch.softmax(model(pad([chunk[i] for i in order])), 1)
                probabilities.argmax(1).tolist()
        seconds = time.perf_counter() - start
        result["predict"] = {"lines": len(lines), "seconds": seconds,
                             "sentences_per_second": len(lines) / seconds}
    print(json.dumps(result))


main()

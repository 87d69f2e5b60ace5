#!/usr/bin/python3
"""torch-train: a small deterministic PyTorch CPU training loop.

Debian's python3-torch (run by /usr/bin/python3).  Fixed seed, two threads,
synthetic data; the loss of every step goes to a binary file (step k: 16
bytes at offset 16*k, so a step done twice writes the same bytes).  It says
READY after a few steps and trains on to --steps whatever happens; after that
and SIGTERM it writes PASS.  The runner compares the loss file of a run that
was dumped and restored mid-training with one of a run that never stopped:
they must be equal to the last bit.
"""
import argparse
import os
import signal
import struct
import sys
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--losses', default='losses.bin')
    ap.add_argument('--steps', type=int, default=300)
    ap.add_argument('--ready-at', type=int, default=10)
    args = ap.parse_args()
    out = os.open(args.out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    losses = os.open(args.losses, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))

    torch.manual_seed(0)
    torch.set_num_threads(2)
    x = torch.randn(512, 32)
    w_true = torch.randn(32, 1)
    y = torch.tanh(x @ w_true) + 0.05 * torch.randn(512, 1)
    model = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.Tanh(),
                                torch.nn.Linear(64, 64), torch.nn.ReLU(),
                                torch.nn.Linear(64, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    for step in range(args.steps):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        os.pwrite(losses, struct.pack('<qd', step, loss.item()), 16 * step)
        if step + 1 == args.ready_at:
            os.write(out, b'READY\n')
        time.sleep(0.02)        # leaves time to checkpoint mid-training

    end = time.monotonic() + 600
    while not stop and time.monotonic() < end:
        time.sleep(0.05)
    if not stop:
        os.write(out, b'FAIL: no SIGTERM\n')
        sys.exit(1)
    if os.fstat(losses).st_size != 16 * args.steps:
        os.write(out, b'FAIL: loss file has the wrong size\n')
        sys.exit(1)
    os.write(out, b'PASS\n')


if __name__ == '__main__':
    main()

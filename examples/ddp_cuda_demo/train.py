"""Train TinyLM with DistributedDataParallel over NCCL and mixed precision.

Launch on one node with 8 GPUs:  torchrun --nproc_per_node=8 train.py --steps 2000
"""
from __future__ import annotations

import argparse
import os
import time

import torch
import torch.distributed as dist
from torch.cuda.amp import GradScaler, autocast
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader, Dataset, DistributedSampler

from model import HAS_FLASH_ATTN, TinyLM
from ops import fused_cross_entropy


class RandomTokens(Dataset):
    """Synthetic token stream so the demo runs without a dataset download."""

    def __init__(self, n_samples: int, seq_len: int, vocab: int) -> None:
        g = torch.Generator().manual_seed(0)
        self.data = torch.randint(0, vocab, (n_samples, seq_len + 1), generator=g)

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.data[i, :-1], self.data[i, 1:]


def setup_distributed() -> tuple[int, int, torch.device]:
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    os.environ.setdefault("NCCL_ASYNC_ERROR_HANDLING", "1")
    dist.init_process_group("nccl")
    torch.cuda.set_device(local_rank)
    return dist.get_rank(), local_rank, torch.device(f"cuda:{local_rank}")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--seq-len", type=int, default=512)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--ckpt", default="checkpoints/tinylm.pt")
    args = p.parse_args()

    rank, local_rank, device = setup_distributed()
    torch.backends.cudnn.benchmark = True
    torch.backends.cuda.matmul.allow_tf32 = True
    if rank == 0:
        visible = os.environ.get("CUDA_VISIBLE_DEVICES", "all")
        print(f"world={dist.get_world_size()} visible_devices={visible} flash_attn={HAS_FLASH_ATTN} "
              f"gpu={torch.cuda.get_device_name(local_rank)}")

    model = TinyLM().cuda()
    model = DDP(model, device_ids=[local_rank], output_device=local_rank)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.1, fused=True)
    scaler = GradScaler()

    start_step = 0
    if os.path.exists(args.ckpt):
        state = torch.load(args.ckpt, map_location=f"cuda:{local_rank}")
        model.module.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        scaler.load_state_dict(state["scaler"])
        start_step = state["step"]

    data = RandomTokens(args.steps * args.batch_size, args.seq_len, vocab=32000)
    sampler = DistributedSampler(data, shuffle=True, seed=42)
    loader = DataLoader(data, batch_size=args.batch_size, sampler=sampler, num_workers=2, pin_memory=True)

    model.train()
    t0 = time.time()
    for step, (x, y) in enumerate(loader, start=start_step):
        if step >= args.steps:
            break
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        with autocast(dtype=torch.float16):
            logits = model(x)
            loss = fused_cross_entropy(logits, y)
        opt.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(opt)
        scaler.update()

        if step % 50 == 0:
            torch.cuda.synchronize()
            dist.all_reduce(loss.detach(), op=dist.ReduceOp.AVG)
            if rank == 0:
                mem = torch.cuda.max_memory_allocated() / 2**30
                print(f"step {step} loss {loss.item():.4f} {(time.time() - t0) / 50:.3f}s/step mem {mem:.1f}GiB")
            t0 = time.time()

    if rank == 0:
        os.makedirs(os.path.dirname(args.ckpt), exist_ok=True)
        torch.save({"model": model.module.state_dict(), "opt": opt.state_dict(),
                    "scaler": scaler.state_dict(), "step": args.steps}, args.ckpt)
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()

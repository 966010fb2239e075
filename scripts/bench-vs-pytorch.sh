#!/usr/bin/env bash
# vclip against the plain PyTorch X-CLIP anchor, side by side on this machine: video features of one model folder at
# batch 1 and 2, and text features (16 prompts of 77 and of 16 tokens), in alternating rounds (PyTorch, then vclip, ROUNDS times), nothing else should run meanwhile.
# Only the ratios of figures from the same round mean something on a shared machine.
#
#   scripts/bench-vs-pytorch.sh BENCH_DIR MODEL_DIR [ROUNDS] [--as-installed]
#
# --as-installed: the anchor as a plain user runs it (no OMP_WAIT_POLICY or malloc settings), instead of tuned.
#
# BENCH_DIR: the anchor (bench_torch.py; its README says how to install Debian's torch with OpenBLAS and how to
# make MODEL_DIR, a random full-size X-CLIP folder). Prints one line per round and batch; the JSON lines of both
# tools go to runs/bench-vs-pytorch/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bench="${1:?usage: scripts/bench-vs-pytorch.sh BENCH_DIR MODEL_DIR [ROUNDS]}"
model="${2:?usage: scripts/bench-vs-pytorch.sh BENCH_DIR MODEL_DIR [ROUNDS]}"
rounds="${3:-2}"
anchor_mode=()
[ "${4:-}" = "--as-installed" ] && anchor_mode=(--as-installed)
out=runs/bench-vs-pytorch
mkdir -p "$out"
ms() { # the ms_per_video of a JSON document or line matching a batch
  /usr/bin/python3 -c '
import json, sys
kind, batch = sys.argv[1], int(sys.argv[2])
if kind == "vclip":
    print("%.1f" % json.load(open(sys.argv[3]))["results"][0]["ms_per_video"])
    sys.exit()
if kind == "vclip-text":
    print(" ".join("%.2f" % t["ms_per_prompt"] for t in json.load(open(sys.argv[3]))["text"] if t["length"] == batch))
    sys.exit()
for line in open(sys.argv[3]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    d = json.loads(line)
    if kind == "torch" and d.get("what") == "video_features" and d["batch"] == batch and d["attn"] == "eager":
        print("%.1f %.3f" % (d["ms_per_video"], d.get("other_load", float("nan"))))
    if kind == "torch-text" and d.get("what") == "text_features" and d["text_len"] == batch and d["attn"] == "eager":
        print("%.2f %.3f" % (d["ms_per_prompt"], d.get("other_load", float("nan"))))
' "$@"
}
printf '%-6s %-22s %14s %9s %14s %8s\n' round what "pytorch ms" "load" "vclip ms" "ratio"
for r in $(seq 1 "$rounds"); do
  /usr/bin/python3 "$bench/bench_torch.py" "$model" --batches 1 2 --attn eager --runs 5 "${anchor_mode[@]}" \
    > "$out/torch-$r.jsonl"
  ./vclip bench model --model "$model" --batch 1 --iterations 5 --text --json > "$out/vclip-$r-b1.json"
  ./vclip bench model --model "$model" --batch 2 --iterations 5 --json > "$out/vclip-$r-b2.json"
  row() { printf '%-6s %-22s %14s %9s %14s %8s\n' "$r" "$1" "$2" "$3" "$4" "$(/usr/bin/python3 -c "print('%.2f' % ($2 / $4))")"; }
  for b in 1 2; do
    read -r t load < <(ms torch "$b" "$out/torch-$r.jsonl")
    row "video, batch $b (ms/video)" "$t" "$load" "$(ms vclip "$b" "$out/vclip-$r-b$b.json")"
  done
  for l in 77 16; do
    read -r t load < <(ms torch-text "$l" "$out/torch-$r.jsonl")
    row "text, 16 x $l (ms/prompt)" "$t" "$load" "$(ms vclip-text "$l" "$out/vclip-$r-b1.json")"
  done
done
echo "ratio = PyTorch ms / vclip ms (above 1: vclip is faster)"

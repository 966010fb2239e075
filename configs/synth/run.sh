#!/usr/bin/env bash
# The first learning experiment of the README ("Learning on synthetic videos", the class-name recipe): a tiny X-CLIP
# and its mean-pooling twin (ViFi-CLIP's model) trained from scratch on the same vclip synth videos with the same
# budget, then evaluated the same way. About 40 minutes on 2 cores. Results: runs/synth-learning/. The bundled model
# models/xclip-synth comes from configs/synth/bundled.sh (class names and free text), not from this script.
# A step whose report exists is skipped, so an interrupted run goes on where it stopped (delete a folder to redo it).
#
#   configs/synth/run.sh
#   VCLIP="java -jar ..." configs/synth/run.sh     with another vclip build
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
read -r -a VCLIP <<< "${VCLIP:-./vclip}"
OUT=runs/synth-learning
D=$OUT/data

# seed 0 (the set the bundled model was trained on), 300 clips per class (2200 training, 1100 validation), 4 long videos with 53 localisation queries
[ -f "$D/dataset.json" ] || "${VCLIP[@]}" synth --out "$D" --seed 0 --clips-per-class 300 --long-videos 4 --no-tar

# 1. recognition on all 11 classes (cross-entropy over the class-name texts), 30 epochs
recognition() {
  [ -f "$OUT/$1/report.html" ] || "${VCLIP[@]}" train -cfg "configs/synth/$1-tiny.yaml" --out "$OUT/$1"
}
# 2. model 1 trained on with video-caption InfoNCE (colours, shapes, backgrounds), 5 epochs
captions() {
  [ -f "$OUT/$1-captions/report.html" ] || "${VCLIP[@]}" train -cfg "configs/synth/$1-tiny.yaml" \
    --out "$OUT/$1-captions" --opts MODEL.PRETRAINED "$OUT/$1/model" TRAIN.LOSS contrastive \
    DATA.CAPTIONS "$D/retrieval/captions_train.csv" TRAIN.EPOCHS 5 TRAIN.WARMUP_EPOCHS 1 TRAIN.BATCH_SIZE 16 TRAIN.LR 3.e-4
}
# 3. base-to-novel: recipe 1 on the 6 base classes for 10 epochs, then the 5 novel classes zero-shot
base_to_novel() {
  [ -f "$OUT/$1-base2novel/report.html" ] || "${VCLIP[@]}" train -cfg "configs/synth/$1-tiny.yaml" \
    --out "$OUT/$1-base2novel" --opts TRAIN.EPOCHS 10 \
    DATA.TRAIN_FILE "$D/base2novel/base_train.txt" DATA.VAL_FILE "$D/base2novel/base_val.txt" \
    DATA.LABEL_LIST "$D/base2novel/base_labels.csv" DATA.NUM_CLASSES 6 \
    DATA.NOVEL_VAL_FILE "$D/base2novel/novel_val.txt" DATA.NOVEL_LABEL_LIST "$D/base2novel/novel_labels.csv"
}
# 4. with model 2: text-to-video retrieval (1100 validation clips, one caption each, MSR-VTT 1k-A style) and
#    localisation of the 53 described events in the long videos
retrieval_and_localisation() {
  [ -f "$OUT/$1-retrieval/report.html" ] || "${VCLIP[@]}" retrieval --model "$OUT/$1-captions/model" \
    --captions "$D/retrieval/test_jsfusion.csv" --out "$OUT/$1-retrieval" --no-cache
  [ -f "$OUT/$1-localisation/report.html" ] || "${VCLIP[@]}" localize-eval --model "$OUT/$1-captions/model" \
    --triplets "$D/localisation/triplets.csv" --out "$OUT/$1-localisation" --no-cache
}

recognition xclip
captions xclip
recognition vifi
base_to_novel xclip
base_to_novel vifi
captions vifi
retrieval_and_localisation xclip
retrieval_and_localisation vifi

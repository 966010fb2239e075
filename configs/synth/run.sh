#!/usr/bin/env bash
# The learning experiment of the README ("Learning on synthetic videos") and the bundled model models/xclip-synth:
# a tiny X-CLIP and its mean-pooling twin (ViFi-CLIP's model) trained from scratch on the same vclip synth videos
# with the same budget, then evaluated the same way. About 70 minutes on 2 cores. Results: runs/synth-learning/.
#
#   configs/synth/run.sh             everything
#   VCLIP="java -jar ..." configs/synth/run.sh   with another vclip build
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
read -r -a VCLIP <<< "${VCLIP:-./vclip}"
OUT=runs/synth-learning
D=$OUT/data

# 300 clips per class (2200 training, 1100 validation), 4 long videos with 53 localisation queries
[ -f "$D/dataset.json" ] || "${VCLIP[@]}" synth --out "$D" --clips-per-class 300 --long-videos 4 --no-tar

BASE_TO_NOVEL=(DATA.TRAIN_FILE "$D/base2novel/base_train.txt" DATA.VAL_FILE "$D/base2novel/base_val.txt"
  DATA.LABEL_LIST "$D/base2novel/base_labels.csv" DATA.NUM_CLASSES 6
  DATA.NOVEL_VAL_FILE "$D/base2novel/novel_val.txt" DATA.NOVEL_LABEL_LIST "$D/base2novel/novel_labels.csv")

for m in xclip vifi; do
  # 1. recognition on all 11 classes (cross-entropy over the class-name texts), 30 epochs
  "${VCLIP[@]}" train -cfg "configs/synth/$m-tiny.yaml" --output "$OUT/$m"
  # 2. base-to-novel: the same recipe on the 6 base classes, then the 5 novel ones zero-shot
  "${VCLIP[@]}" train -cfg "configs/synth/$m-tiny.yaml" --output "$OUT/$m-base2novel" --opts "${BASE_TO_NOVEL[@]}"
  # 3. captions: model 1 trained on with video-caption InfoNCE (colours, shapes, backgrounds), 10 epochs
  "${VCLIP[@]}" train -cfg "configs/synth/$m-tiny.yaml" --output "$OUT/$m-captions" --opts \
    MODEL.PRETRAINED "$OUT/$m/model" TRAIN.LOSS contrastive DATA.CAPTIONS "$D/retrieval/captions_train.csv" \
    TRAIN.EPOCHS 10 TRAIN.WARMUP_EPOCHS 1 TRAIN.BATCH_SIZE 16 TRAIN.LR 3.e-4
  # 4. text-to-video retrieval (1000 test clips, one caption each, MSR-VTT 1k-A style) and localisation of the
  #    53 queries in the long videos, with model 3
  "${VCLIP[@]}" retrieval --model "$OUT/$m-captions/model" --captions "$D/retrieval/test_jsfusion.csv" \
    --out "$OUT/$m-retrieval" --no-cache
  "${VCLIP[@]}" localize-eval --model "$OUT/$m-captions/model" --triplets "$D/localisation/triplets.csv" \
    --out "$OUT/$m-localisation" --no-cache
done

# the bundled model: X-CLIP model 3 in float16
"${VCLIP[@]}" convert --checkpoint "$OUT/xclip-captions/model" --dtype float16 --out models/xclip-synth --force

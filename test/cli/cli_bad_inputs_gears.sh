#!/usr/bin/env bash
# Bad-input suite of the commands that build models and gears: train,
# sensitivity, select, fit-gears and combine-gears (datasets, ladders, scores,
# selections, gear sets and their options). Each fails before it trains or
# writes anything. The checks of each case are in bad_inputs_support.sh.
# Usage: cli_bad_inputs_gears.sh GEARNN FIXTURES
set -u
suite=cli_bad_inputs_gears
source "$(dirname "$0")/bad_inputs_support.sh"
bad_inputs_setup "$1" "$2"

echo "plain text" >"$work/notes.txt"
mkdir -p "$work/adir"
echo '{"clips": ["clip"]}' >"$work/data.json"
echo '{"name": "q", "feature": "qp", "levels": [{"name": "q22", "qp": 22}, {"name": "q46", "qp": 46}]}' >"$work/ladder.json"
cache=$work/cache
file() {  # file NAME TEXT: a file of the scratch tree
  printf '%s\n' "$2" >"$work/$1"
}
default_outs="$work/o-train $work/o-sens.json $work/o-sel.json $work/o-fit $work/o-comb $cache"  # of the wrappers below

# ---- train ------------------------------------------------------------------------
train() { "$gearnn" train --quiet --out "$work/o-train" --cache "$cache" --width 64 --height 48 --epochs "${w_epochs:-1}" \
  --batch 2 --max-frames 2 --stride 1 --threads 1 "$@"; }
expect "train: --dataset missing" 1 "$work/nodata.json" -- train --dataset "$work/nodata.json"
file d-bad.json '{"clips": ['
expect "train: dataset not JSON" 1 "$work/d-bad.json" -- train --dataset "$work/d-bad.json"
nested "$work/d-deep.json"
expect "train: dataset nested 100000 deep" 1 "$work/d-deep.json: JSON nested deeper" -- train --dataset "$work/d-deep.json"
file d-empty.json '{"clips": []}'
expect "train: dataset with no clips" 1 "$work/d-empty.json" -- train --dataset "$work/d-empty.json"
file d-noclip.json '{"clips": ["noclip"]}'
expect "train: dataset clip missing" 1 "$work/noclip" -- train --dataset "$work/d-noclip.json"
file d-nolabels.json '{"clips": [{"video": "clip/video.mkv", "labels": "nolabels"}]}'
expect "train: dataset label directory missing" 1 "$work/nolabels" -- train --dataset "$work/d-nolabels.json"
file d-unlabelled.json '{"clips": [{"video": "clip/video.mkv"}]}'
expect "train: dataset clip without labels" 1 "$work/clip/video.mkv" -- train --dataset "$work/d-unlabelled.json"
file d-range.json '{"clips": [{"video": "clip/video.mkv", "labels": "clip/labels", "frames": [3, 1]}]}'
expect "train: dataset frame range reversed" 1 "$work/d-range.json" -- train --dataset "$work/d-range.json"
file d-number.json '{"clips": [5]}'
expect "train: dataset clip is a number" 1 "$work/d-number.json" -- train --dataset "$work/d-number.json"
cp -r "$work/clip" "$work/clip-class" && png "$work/clip-class/labels/000000.png" 64 64 L 9
file d-class.json '{"clips": ["clip-class"]}'
expect "train: dataset label with an unknown class id" 1 "$work/clip-class/labels/000000.png" -- train --dataset "$work/d-class.json"
cp -r "$work/clip" "$work/clip-size" && png "$work/clip-size/labels/000000.png" 32 32 L 0
file d-size.json '{"clips": ["clip-size"]}'
expect "train: dataset label of another size" 1 "$work/clip-size/labels/000000.png" -- train --dataset "$work/d-size.json"
expect "train: --val missing" 1 "$work/noval.json" -- train --dataset "$work/data.json" --val "$work/noval.json"
expect "train: --init does not exist" 1 "$work/nomodel" -- train --dataset "$work/data.json" --init "$work/nomodel"
expect "train: --mode augment without --ladder" 2 "--ladder" -- train --dataset "$work/data.json" --mode augment
expect "train: --ladder missing" 1 "$work/noladder.json" -- train --dataset "$work/data.json" --mode augment --ladder "$work/noladder.json"
expect "train: --targets teacher with no teacher" 2 "--teacher" -- train --dataset "$work/data.json" --targets teacher
expect "train: --teacher does not exist" 1 "$work/noteacher" -- \
  train --dataset "$work/data.json" --targets teacher --teacher "$work/noteacher"
w_epochs=0 expect "train: --epochs 0" 2 "--epochs" -- train --dataset "$work/data.json"
expect "train: --val-stride -1" 2 "--val-stride" -- train --dataset "$work/data.json" --val "$work/data.json" --val-stride -1
expect "train: --lr -1" 2 "--lr" -- train --dataset "$work/data.json" --lr -1
expect "train: --lr nan" 2 "--lr" -- train --dataset "$work/data.json" --lr nan
expect "train: --stability-weight -1" 2 "--stability-weight" -- train --dataset "$work/data.json" --stability-weight -1
expect "train: --widths 0" 2 "--widths" -- train --dataset "$work/data.json" --widths 0,16,32,64
expect "train: --resume with no checkpoint" 2 "--resume" -- train --dataset "$work/data.json" --resume
expect "train: --out inside a file" 1 "$work/notes.txt/m" -- \
  "$gearnn" train --quiet --out "$work/notes.txt/m" --cache "$cache" --dataset "$work/data.json" --epochs 1

rm -rf "$work/o-train" "$work/o-train.init"  # in case a train case above ran

# ---- sensitivity --------------------------------------------------------------------
sens() { "$gearnn" sensitivity --quiet --model "$work/model" --dataset "$work/data.json" --cache "$cache" \
  --out "$work/o-sens.json" --epochs "${w_epochs:-1}" --max-frames 2 --stride "${w_stride:-1}" --threads 1 "$@"; }
expect "sensitivity: --ladder missing" 1 "$work/noladder.json" -- sens --ladder "$work/noladder.json"
file l-bad.json '{"name": "q", "feature": "qp", "levels": [{"name": "q22", "qp": 22}'
expect "sensitivity: ladder not JSON" 1 "$work/l-bad.json" -- sens --ladder "$work/l-bad.json"
nested "$work/l-deep.json"
expect "sensitivity: ladder nested 100000 deep" 1 "$work/l-deep.json: JSON nested deeper" -- sens --ladder "$work/l-deep.json"
file l-empty.json '{"name": "q", "feature": "qp", "levels": []}'
expect "sensitivity: ladder with no levels" 1 "$work/l-empty.json" -- sens --ladder "$work/l-empty.json"
file l-feature.json '{"name": "q", "feature": "sharpness", "levels": [{"name": "q22", "qp": 22}]}'
expect "sensitivity: ladder on an unknown feature" 1 "$work/l-feature.json" -- sens --ladder "$work/l-feature.json"
file l-qp.json '{"name": "q", "feature": "qp", "levels": [{"name": "q99", "qp": 99}]}'
expect "sensitivity: ladder level qp 99" 1 "$work/l-qp.json" -- sens --ladder "$work/l-qp.json"
file l-string.json '{"name": "q", "feature": "qp", "levels": [{"name": "q22", "qp": "22"}]}'
expect "sensitivity: ladder level qp a string" 1 "$work/l-string.json" -- sens --ladder "$work/l-string.json"
# Level names become file names (cache renderings, gear files): one leading out was written there.
file l-path.json '{"name": "q", "feature": "qp", "levels": [{"name": "../../escaped", "qp": 22}]}'
expect "sensitivity: ladder level name leading out" 1 "$work/l-path.json" -- sens --ladder "$work/l-path.json"
file l-twice.json '{"name": "q", "feature": "qp", "levels": [{"name": "q", "qp": 22}, {"name": "q", "qp": 40}]}'
expect "sensitivity: ladder level named twice" 1 "$work/l-twice.json" -- sens --ladder "$work/l-twice.json"
expect "sensitivity: --model does not exist" 1 "$work/nomodel" -- "$gearnn" sensitivity --quiet --model "$work/nomodel" \
  --dataset "$work/data.json" --ladder "$work/ladder.json" --cache "$cache" --out "$work/o-sens.json"
expect "sensitivity: --dataset missing" 1 "$work/nodata.json" -- "$gearnn" sensitivity --quiet --model "$work/model" \
  --dataset "$work/nodata.json" --ladder "$work/ladder.json" --cache "$cache" --out "$work/o-sens.json"
w_stride=0 expect "sensitivity: --stride 0" 2 "--stride" -- sens --ladder "$work/ladder.json"
w_epochs=0 expect "sensitivity: --epochs 0" 2 "--epochs" -- sens --ladder "$work/ladder.json"
expect "sensitivity: --teacher does not exist" 1 "$work/noteacher" -- \
  sens --ladder "$work/ladder.json" --targets teacher --teacher "$work/noteacher"
expect "sensitivity: --out inside a file" 1 "$work/notes.txt/s.json" -- \
  "$gearnn" sensitivity --quiet --model "$work/model" --dataset "$work/data.json" --ladder "$work/ladder.json" \
  --cache "$cache" --out "$work/notes.txt/s.json"

# ---- select ---------------------------------------------------------------------
select_() { "$gearnn" select --out "$work/o-sel.json" "$@"; }
scores() {  # scores NAME JSON: a scores file
  file "$1.json" "$2"
}
expect "select: --scores missing" 1 "$work/noscores.json" -- select_ --scores "$work/noscores.json"
expect "select: not a scores file" 1 "$work/ladder.json" -- select_ --scores "$work/ladder.json"
scores s-empty ''
expect "select: empty scores file" 1 "$work/s-empty.json" -- select_ --scores "$work/s-empty.json"
nested "$work/s-deep.json"
expect "select: scores nested 100000 deep" 1 "$work/s-deep.json: JSON nested deeper" -- select_ --scores "$work/s-deep.json"
scores nameless '{"model_bytes": 1000, "tensors": [{"name": "a", "bytes": 400}], "levels": [{"scores": {"a": 1}}]}'
expect "select: a level without a name" 1 "$work/nameless.json: /levels/0/name" -- select_ --scores "$work/nameless.json"
scores negative '{"model_bytes": 1000, "tensors": [{"name": "a", "bytes": -400}], "levels": [{"name": "q", "scores": {"a": 1}}]}'
expect "select: negative bytes" 1 "$work/negative.json: /tensors/0/bytes" -- select_ --scores "$work/negative.json"
scores s-string '{"model_bytes": 1000, "tensors": [{"name": "a", "bytes": 400}], "levels": [{"name": "q", "scores": {"a": "high"}}]}'
expect "select: a score that is a string" 1 "$work/s-string.json: /levels/0/scores/a" -- select_ --scores "$work/s-string.json"
scores s-twice '{"model_bytes": 1000, "tensors": [{"name": "a", "bytes": 4}, {"name": "a", "bytes": 4}], "levels": [{"name": "q", "scores": {"a": 1}}]}'
expect "select: a tensor listed twice" 1 "$work/s-twice.json" -- select_ --scores "$work/s-twice.json"
scores s-level '{"model_bytes": 1000, "tensors": [{"name": "a", "bytes": 4}], "levels": [{"name": "q", "scores": {"a": 1}}, {"name": "q", "scores": {"a": 1}}]}'
expect "select: a level listed twice" 1 "$work/s-level.json" -- select_ --scores "$work/s-level.json"
scores s-model '{"model_bytes": 0, "tensors": [{"name": "a", "bytes": 4}], "levels": [{"name": "q", "scores": {"a": 1}}]}'
expect "select: model of 0 bytes" 1 "$work/s-model.json: /model_bytes" -- select_ --scores "$work/s-model.json"
scores s-tensors '{"model_bytes": 1000, "tensors": {"a": 4}, "levels": [{"name": "q", "scores": {"a": 1}}]}'
expect "select: tensors not an array" 1 "$work/s-tensors.json" -- select_ --scores "$work/s-tensors.json"
scores good '{"model_bytes": 1000, "tensors": [{"name": "a", "bytes": 4}], "levels": [{"name": "q", "scores": {"a": 1}}]}'
scores large '{"model_bytes": 4000000000, "tensors": [{"name": "a", "bytes": 400000000}], "levels": [{"name": "q", "scores": {"a": 1}}]}'
expect "select: budget too large for the exact search" 2 "--budget: 300000000 bytes" -- \
  select_ --scores "$work/large.json" --budget 300000000
expect "select: --budget not a number" 2 "--budget" -- select_ --scores "$work/good.json" --budget lots
expect "select: --budget -5%" 2 "--budget" -- select_ --scores "$work/good.json" --budget -5%
expect "select: --budget 200%" 2 "--budget" -- select_ --scores "$work/good.json" --budget 200%
expect "select: --out inside a file" 1 "$work/notes.txt/sel.json" -- \
  "$gearnn" select --scores "$work/good.json" --out "$work/notes.txt/sel.json"
expect "select: --out is a directory" 1 "$work/adir" -- "$gearnn" select --scores "$work/good.json" --out "$work/adir"

# ---- fit-gears: checked before anything is fitted or written --------------------------
file sel-short.json '{"levels": [{"name": "q22", "tensors": ["cls4.bias"]}]}'
file sel-unknown.json '{"levels": [{"name": "q22", "tensors": ["cls4.bias"]}, {"name": "q46", "tensors": ["no.such.weight"]}]}'
file sel.json '{"levels": [{"name": "q22", "tensors": ["cls4.bias"]}, {"name": "q46", "tensors": ["cls4.bias"]}]}'
fit() { "$gearnn" fit-gears --quiet --model "$work/model" --dataset "$work/data.json" --cache "$cache" \
  --epochs "${w_epochs:-1}" --max-frames 2 --stride "${w_stride:-1}" --threads 1 --out "$work/o-fit" "$@"; }
fitq() { fit --ladder "$work/ladder.json" "$@"; }  # on the two-level QP ladder
ABSENT="$work/o-fit/q22.pt" expect "fit-gears: selection misses a level" 1 "$work/sel-short.json" -- fitq --selection "$work/sel-short.json"
expect "fit-gears: selection names a tensor the model lacks" 1 "$work/sel-unknown.json" -- fitq --selection "$work/sel-unknown.json"
expect "fit-gears: not a selection" 1 "$work/ladder.json" -- fitq --selection "$work/ladder.json"
expect "fit-gears: --selection missing" 1 "$work/nosel.json" -- fitq --selection "$work/nosel.json"
nested "$work/sel-deep.json"
expect "fit-gears: selection nested 100000 deep" 1 "$work/sel-deep.json: JSON nested deeper" -- fitq --selection "$work/sel-deep.json"
file sel-type.json '{"levels": [{"name": "q22", "tensors": "cls4.bias"}, {"name": "q46", "tensors": ["cls4.bias"]}]}'
expect "fit-gears: selection tensors not a list" 1 "$work/sel-type.json" -- fitq --selection "$work/sel-type.json"
expect "fit-gears: --kind gears without --selection" 2 "--selection" -- fitq
expect "fit-gears: --kind unknown" 2 "--kind" -- fitq --kind most
expect "fit-gears: --neighbour-selections without a selection" 2 "--neighbour-selections" -- \
  fitq --kind bn --neighbour-selections
expect "fit-gears: --neighbour-selections without --val" 2 "--neighbour-selections" -- \
  fitq --selection "$work/sel.json" --neighbour-selections
w_epochs=0 expect "fit-gears: --epochs 0" 2 "--epochs" -- fitq --selection "$work/sel.json"
w_stride=0 expect "fit-gears: --stride 0" 2 "--stride" -- fitq --selection "$work/sel.json"
expect "fit-gears: --val-stride -1" 2 "--val-stride" -- fitq --selection "$work/sel.json" --val "$work/data.json" --val-stride -1
expect "fit-gears: --batch 0" 2 "--batch" -- fitq --selection "$work/sel.json" --batch 0
expect "fit-gears: --lr -1" 2 "--lr" -- fitq --selection "$work/sel.json" --lr -1
expect "fit-gears: --val missing" 1 "$work/noval.json" -- fitq --selection "$work/sel.json" --val "$work/noval.json"
expect "fit-gears: ladder level name leading out" 1 "$work/l-path.json" -- \
  fit --selection "$work/sel.json" --ladder "$work/l-path.json"
expect "fit-gears: ladder level named twice" 1 "$work/l-twice.json" -- fit --selection "$work/sel.json" --ladder "$work/l-twice.json"
expect "fit-gears: --out is a file" 1 "$work/notes.txt" -- \
  "$gearnn" fit-gears --quiet --model "$work/model" --dataset "$work/data.json" --ladder "$work/ladder.json" \
  --cache "$cache" --selection "$work/sel.json" --out "$work/notes.txt"

# ---- combine-gears -----------------------------------------------------------------
gears_dir() {  # gears_dir NAME JSON: a gear set (its gears keep the base weights: "file": null)
  mkdir -p "$work/$1" && printf '%s\n' "$2" >"$work/$1/gears.json"
}
gears_dir bright '{"gears": [{"name": "dark", "file": null, "when": {"luma": [null, 60]}, "base_val_miou": 0.2, "val_miou": 0.3},
  {"name": "day", "file": null, "when": {"luma": [60, null]}, "base_val_miou": 0.5, "val_miou": 0.5}]}'
gears_dir qp '{"gears": [{"name": "q22", "file": null, "when": {"qp": [null, 34]}}, {"name": "q46", "file": null, "when": {"qp": [34, null]}}]}'
combine() { "$gearnn" combine-gears --out "$work/o-comb" "$@"; }
expect "combine-gears: FIRST does not exist" 1 "$work/nofirst" -- combine "$work/nofirst" "$work/qp"
expect "combine-gears: THEN does not exist" 1 "$work/nothen" -- combine "$work/bright" "$work/nothen"
gears_dir g-bad '{"gears": ['
expect "combine-gears: FIRST's gears.json not JSON" 1 "$work/g-bad/gears.json" -- combine "$work/g-bad" "$work/qp"
gears_dir g-none '{"gears": []}'
expect "combine-gears: FIRST has no gears" 1 "$work/g-none/gears.json" -- combine "$work/g-none" "$work/qp"
gears_dir g-two '{"gears": [{"name": "dark", "file": null, "when": {"luma": [null, 60], "qp": [null, 30]}}]}'
expect "combine-gears: FIRST switches on two features" 1 "$work/g-two/gears.json" -- combine "$work/g-two" "$work/qp"
expect "combine-gears: --neutral names no gear" 1 "dusk" -- combine "$work/bright" "$work/qp" --neutral dusk
expect "combine-gears: --min-gain nan" 2 "--min-gain" -- combine "$work/bright" "$work/qp" --min-gain nan
gears_dir g-hash '{"base_model_hash": "00ff", "gears": [{"name": "q22", "file": null, "when": {"qp": [null, null]}}]}'
gears_dir g-hash2 '{"base_model_hash": "ff00", "gears": [{"name": "dark", "file": null, "when": {"luma": [null, 60]}, "val_miou": 0.2, "base_val_miou": 0.2}]}'
expect "combine-gears: sets of two models" 1 "$work/g-hash/gears.json" -- combine "$work/g-hash2" "$work/g-hash"
gears_dir g-same '{"gears": [{"name": "dark", "file": null, "when": {"qp": [null, null]}}]}'
expect "combine-gears: a gear name in both sets" 1 "dark" -- combine "$work/bright" "$work/g-same"
expect "combine-gears: --out inside a file" 1 "$work/notes.txt/c" -- \
  "$gearnn" combine-gears --out "$work/notes.txt/c" "$work/bright" "$work/qp"

# ---- cell-gears --------------------------------------------------------------------
gears_dir b22 '{"gears": [{"name": "dark", "file": null, "when": {"luma": [null, 60]}, "settings": {"qp": 22}}]}'
gears_dir b46 '{"gears": [{"name": "dark", "file": null, "when": {"luma": [null, 60]}, "settings": {"qp": 46}}]}'
cells() { "$gearnn" cell-gears --out "$work/o-cells" "$@"; }
expect "cell-gears: BASE does not exist" 1 "$work/nobase" -- cells "$work/nobase" --add "$work/b46"
expect "cell-gears: --add does not exist" 1 "$work/noadd" -- cells "$work/b22" --add "$work/noadd"
expect "cell-gears: --on names no feature" 2 "--on" -- cells "$work/b22" --add "$work/b46" --on colour
expect "cell-gears: gears record no setting" 1 "$work/bright/gears.json" -- cells "$work/bright" --add "$work/b46"
expect "cell-gears: two sets at one value" 1 "$work/b46" -- cells "$work/b46" --add "$work/b46"
expect "cell-gears: no gear in common" 1 "$work/b22/gears.json" -- cells "$work/b22" --add "$work/qp"
# QP gears split on luma by the brightness they were fitted at: the cuts must be given, in luma.
gears_dir q10 '{"gears": [{"name": "q40", "file": null, "when": {"qp": [30, null]}, "settings": {"qp": 40}}]}'
gears_dir q14 '{"gears": [{"name": "q40", "file": null, "when": {"qp": [30, null]}, "settings": {"qp": 40, "brightness": 1.4}}]}'
expect "cell-gears: units differ, no --cuts" 2 "--cuts" -- cells "$work/q10" --add "$work/q14" --on luma --setting brightness
expect "cell-gears: two --cuts for two sets" 2 "--cuts" -- \
  cells "$work/q10" --add "$work/q14" --on luma --setting brightness --cuts 100,120
expect "cell-gears: --cuts not a number" 2 "--cuts" -- \
  cells "$work/q10" --add "$work/q14" --on luma --setting brightness --cuts bright
expect "cell-gears: --cuts nan" 2 "--cuts" -- \
  cells "$work/q10" --add "$work/q14" --on luma --setting brightness --cuts nan
# Sets fitted on different scenes: each set's value on the feature given.
expect "cell-gears: one --values for two sets" 2 "--values" -- cells "$work/q10" --add "$work/q14" --on luma --values 88
expect "cell-gears: --values not a number" 2 "--values" -- cells "$work/q10" --add "$work/q14" --on luma --values 88,dark
expect "cell-gears: --values with --setting" 2 "--values" -- \
  cells "$work/q10" --add "$work/q14" --on luma --setting brightness --values 88,114

bad_inputs_finish

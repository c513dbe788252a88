#pragma once
// Every public header of the gearnn library, for programs that link it
// (CMake: find_package(gearnn) then target_link_libraries(app gearnn::gearnn)).
// Folders in pipeline order: see src/README.md. The headers that expose
// LibTorch types (model/torch_model.h, model/builtin_net.h, training/trainer.h)
// are left out so a user's program compiles without torch headers; include
// them yourself where you need them.
#include "gearnn/common/errors.h"
#include "gearnn/common/hashing.h"
#include "gearnn/common/json_io.h"
#include "gearnn/common/progress.h"
#include "gearnn/quality/bitstream_qp.h"
#include "gearnn/quality/frame_features.h"
#include "gearnn/io/label_io.h"
#include "gearnn/io/model_card.h"
#include "gearnn/io/video_reader.h"
#include "gearnn/io/video_writer.h"
#include "gearnn/gears/combine_gears.h"
#include "gearnn/gears/gear_set.h"
#include "gearnn/gears/knapsack.h"
#include "gearnn/model/bench.h"
#include "gearnn/model/gear_bank.h"
#include "gearnn/model/postprocess.h"
#include "gearnn/model/segmenter.h"
#include "gearnn/metrics/confusion_matrix.h"
#include "gearnn/metrics/eval_masks.h"
#include "gearnn/metrics/merge_reports.h"
#include "gearnn/pipeline/probe.h"
#include "gearnn/pipeline/run_video.h"
#include "gearnn/report/html_report.h"
#include "gearnn/synth/street_scene.h"
#include "gearnn/synth/synth_clip.h"
#include "gearnn/datasets/dataset.h"
#include "gearnn/datasets/distort.h"
#include "gearnn/datasets/ladder.h"
#include "gearnn/training/gear_commands.h"
#include "gearnn/training/train_command.h"
#include "gearnn/batch/batch.h"

#pragma once
// The run page's sample frames: a few frames spread over the run, decoded
// again from the input video, with the saved masks blended in and embedded as
// JPEG data URIs so the page needs no other files.
#include <string>
#include <vector>

#include "report_inputs.h"

namespace gearnn::html {

// Up to `k` frame numbers spread evenly over the recorded frames (or over
// 0..frames-1 when none were recorded), in order, without repeats.
std::vector<int64_t> pick_samples(const std::vector<FrameRow>& rows, int64_t frames, int k);

// The "Sample frames" section for a run with `k` samples. A vanished video,
// missing masks or a short read leave a note instead of failing the page.
std::string samples_section(const RunInputs& run, int k);

}  // namespace gearnn::html

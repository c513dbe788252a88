#pragma once
// The quantiser a decoded frame was coded with, read from the side data
// libavcodec exports, on one scale for every codec (H.264's 0..51).
#include <optional>

struct AVFrame;

namespace gearnn {

// Area-weighted mean block quantiser of the frame on the H.264 scale; none if
// the decoder exported no encoding parameters (HEVC, MJPEG, images).
std::optional<double> frame_qp(const AVFrame* frame);

// Maps a codec's exported quantiser to the H.264 0..51 scale (see docs/formats.md).
double h264_qp_from_mpeg_step(double step);  // MPEG-1/2/4 export step = 2 * qscale
double h264_qp_from_vp9_qindex(double qindex);

}  // namespace gearnn

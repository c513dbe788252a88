#pragma once
// The quantiser a decoded frame was coded with, read from the side data
// libavcodec exports, on one scale for every codec (H.264's 0..51).
#include <optional>

struct AVFrame;

namespace gearnn {

// Area-weighted mean block quantiser of the frame on the 8-bit H.264 scale
// (0..51, whatever the codec and bit depth); none if the decoder exported no
// encoding parameters (HEVC, MJPEG, images).
std::optional<double> frame_qp(const AVFrame* frame);

// Maps a codec's exported quantiser to the H.264 0..51 scale (see docs/formats.md).
double h264_qp_from_mpeg_step(double step);  // MPEG-1/2/4 export step = 2 * qscale
double h264_qp_from_vp9_qindex(double qindex);
// H.264 at 9..14 bits reports QP on an extended scale (up to 51 + 6 * (depth - 8)).
double h264_qp_to_8bit(double qp, int bit_depth);

}  // namespace gearnn

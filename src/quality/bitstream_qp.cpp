#include "gearnn/quality/bitstream_qp.h"

#include <algorithm>
#include <cmath>

extern "C" {
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
#include <libavutil/video_enc_params.h>
}

namespace gearnn {

double h264_qp_from_mpeg_step(double step) {
  // MPEG-1/2/4 decoders export the quantiser step (2 * qscale); H.264's step is 0.625 * 2^(QP/6).
  if (step <= 0) return 0;
  return std::clamp(6.0 * std::log2(step / 0.625), 0.0, 51.0);
}

double h264_qp_from_vp9_qindex(double qindex) { return std::clamp(qindex * 51.0 / 255.0, 0.0, 51.0); }

double h264_qp_to_8bit(double qp, int bit_depth) {
  // H.264 extends the QP range by 6 per extra bit (QpBdOffset) while the step
  // size at a given QP - 6 * (depth - 8) matches the 8-bit one.
  return std::clamp(qp - 6.0 * (bit_depth - 8), 0.0, 51.0);
}

// Area-weighted mean block quantiser, mapped to the H.264 scale.
std::optional<double> frame_qp(const AVFrame* frame) {
  const AVFrameSideData* sd = av_frame_get_side_data(frame, AV_FRAME_DATA_VIDEO_ENC_PARAMS);
  if (!sd) return std::nullopt;
  const auto* par = reinterpret_cast<const AVVideoEncParams*>(sd->data);
  double q = par->qp;
  if (par->nb_blocks > 0) {
    double sum = 0, area = 0;
    for (unsigned i = 0; i < par->nb_blocks; ++i) {
      const AVVideoBlockParams* b = av_video_enc_params_block(const_cast<AVVideoEncParams*>(par), i);
      const double a = static_cast<double>(b->w) * b->h;
      sum += a * (par->qp + b->delta_qp);
      area += a;
    }
    if (area > 0) q = sum / area;
  }
  switch (par->type) {
    case AV_VIDEO_ENC_PARAMS_H264: {
      const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame->format));
      return h264_qp_to_8bit(q, d ? d->comp[0].depth : 8);
    }
    case AV_VIDEO_ENC_PARAMS_MPEG2: return h264_qp_from_mpeg_step(q);
    case AV_VIDEO_ENC_PARAMS_VP9: return h264_qp_from_vp9_qindex(q);
    default: return std::nullopt;
  }
}

}  // namespace gearnn

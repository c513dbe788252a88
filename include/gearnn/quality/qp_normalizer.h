#pragma once
// Makes per-frame QP comparable across frame types. Encoders quantise I frames
// finer and B frames coarser than P frames at the same quality setting (x264:
// I about -3, B +1 or +2 depending on their place in the B-pyramid), so the
// raw QP of an IPB stream straddles gear boundaries frame by frame. The level
// of a stream is read from its P frames:
// - a P frame reads its own QP;
// - an I frame its QP minus the I-to-P offset learnt from the stream itself
//   (each I frame against the first P frame after it, as an I frame usually
//   opens a segment; the median of recent samples, so a quality switch is one
//   outlier, not a shift);
// - a B frame the level of the last I or P frame before it in presentation
//   order (B frames sit between the references they are coded from).
// Frames before any reference, and other picture types, keep their raw QP.
#include <deque>
#include <optional>

namespace gearnn {

class QpNormalizer {
 public:
  // `window`: how many recent I-to-P samples the median uses.
  explicit QpNormalizer(int window = 9) : window_(window) {}

  // The P-frame-equivalent QP of a frame of picture type `type` ('I', 'P',
  // 'B', others) whose coded QP is `raw`, in presentation order.
  double normalize(char type, double raw);

  // The learnt I-frame offset (raw - P-equivalent); 0 until known.
  double intra_offset() const { return intra_offset_; }

 private:
  int window_;
  std::deque<double> intra_samples_;
  double intra_offset_ = 0;
  std::optional<double> pending_intra_;    // raw QP of an I frame waiting for its P frame
  std::optional<double> reference_level_;  // level of the last I or P frame
};

}  // namespace gearnn

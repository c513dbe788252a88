#pragma once
// Makes per-frame QP comparable across frame types. Encoders quantise I frames
// finer and B frames coarser than P frames at the same quality setting (x264:
// about -3 and +2), so the raw QP of an IPB stream straddles gear boundaries
// frame by frame. The offsets are learnt from the stream itself: each I or B
// B frame's QP minus that of the last P frame before it, each I frame's minus
// that of the first P frame after it (an I frame usually opens a segment),
// robustly averaged (median of recent samples: a quality switch between two
// frames is one outlier, not a shift).
#include <array>
#include <deque>
#include <optional>

namespace gearnn {

class QpNormalizer {
 public:
  // `window`: how many recent samples per frame type the median uses.
  explicit QpNormalizer(int window = 15) : window_(window) {}

  // The P-frame-equivalent QP of a frame of picture type `type` ('I', 'P',
  // 'B', others) whose coded QP is `raw`. Frames before any offset is known
  // keep their raw QP; P frames and unknown types always do.
  double normalize(char type, double raw);

  // The current offset of a type (raw - P-equivalent); 0 when not learnt.
  double offset(char type) const;

 private:
  struct TypeOffsets {
    std::deque<double> samples;
    double median = 0;
  };
  void add_sample(TypeOffsets& t, double sample) const;

  int window_;
  std::optional<double> last_p_, pending_intra_;
  TypeOffsets intra_, bidir_;
};

}  // namespace gearnn

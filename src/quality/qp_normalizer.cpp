#include "gearnn/quality/qp_normalizer.h"

#include <algorithm>
#include <vector>

namespace gearnn {

double QpNormalizer::offset(char type) const {
  return type == 'I' ? intra_.median : type == 'B' ? bidir_.median : 0.0;
}

void QpNormalizer::add_sample(TypeOffsets& t, double sample) const {
  t.samples.push_back(sample);
  if (static_cast<int>(t.samples.size()) > window_) t.samples.pop_front();
  std::vector<double> sorted(t.samples.begin(), t.samples.end());
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  t.median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

double QpNormalizer::normalize(char type, double raw) {
  if (type == 'P') {
    last_p_ = raw;
    if (pending_intra_) add_sample(intra_, *pending_intra_ - raw);
    pending_intra_.reset();
    return raw;
  }
  if (type == 'I') {
    // Compared with the P frame after it: an I frame usually starts a segment
    // (a new rendition or quality), and the P frames before it belong to the old one.
    pending_intra_ = raw;
    return raw - intra_.median;
  }
  if (type == 'B') {
    if (last_p_) add_sample(bidir_, raw - *last_p_);
    return raw - bidir_.median;
  }
  return raw;
}

}  // namespace gearnn

#include "gearnn/quality/qp_normalizer.h"

#include <algorithm>
#include <vector>

namespace gearnn {

double QpNormalizer::normalize(char type, double raw) {
  switch (type) {
    case 'P':
      if (pending_intra_) {
        intra_samples_.push_back(*pending_intra_ - raw);
        if (static_cast<int>(intra_samples_.size()) > window_) intra_samples_.pop_front();
        std::vector<double> sorted(intra_samples_.begin(), intra_samples_.end());
        std::sort(sorted.begin(), sorted.end());
        const size_t n = sorted.size();
        intra_offset_ = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        pending_intra_.reset();
      }
      reference_level_ = raw;
      return raw;
    case 'I':
      pending_intra_ = raw;
      reference_level_ = raw - intra_offset_;
      return *reference_level_;
    case 'B':
      return reference_level_ ? *reference_level_ : raw;
    default:
      return raw;
  }
}

}  // namespace gearnn

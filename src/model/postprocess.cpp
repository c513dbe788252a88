#include "gearnn/model/postprocess.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <opencv2/imgproc.hpp>
#include <vector>

namespace gearnn {
namespace {

// Source index and weight of the right/lower neighbour for each output
// coordinate, as OpenCV's INTER_LINEAR computes them (clamped at the edges).
struct Taps {
  std::vector<int> lo, hi;
  std::vector<float> w;  // weight of hi
};

Taps linear_taps(int src, int dst) {
  Taps t;
  t.lo.resize(dst);
  t.hi.resize(dst);
  t.w.resize(dst);
  const double scale = static_cast<double>(src) / dst;
  for (int d = 0; d < dst; ++d) {
    float f = static_cast<float>((d + 0.5) * scale - 0.5);
    int s = static_cast<int>(std::floor(f));
    f -= static_cast<float>(s);
    if (s < 0) s = 0, f = 0;
    if (s >= src - 1) s = src - 1, f = 0;
    t.lo[d] = s;
    t.hi[d] = std::min(s + 1, src - 1);
    t.w[d] = f;
  }
  return t;
}

}  // namespace

cv::Mat logits_to_ids(const cv::Mat& logits, cv::Size frame_size) {
  const int classes = logits.size[0], h = logits.size[1], w = logits.size[2];
  const int W = frame_size.width, H = frame_size.height;
  const Taps tx = linear_taps(w, W), ty = linear_taps(h, H);
  // One source row resized horizontally, one plane per class: [class][x].
  auto resize_row = [&](int sy, std::vector<float>& out) {
    out.resize(static_cast<size_t>(W) * classes);
    for (int c = 0; c < classes; ++c) {
      const float* src = logits.ptr<float>(c) + static_cast<size_t>(sy) * w;
      float* dst = &out[static_cast<size_t>(c) * W];
      for (int x = 0; x < W; ++x) dst[x] = src[tx.lo[x]] * (1.0f - tx.w[x]) + src[tx.hi[x]] * tx.w[x];
    }
  };
  cv::Mat ids(frame_size, CV_8UC1);
  std::vector<float> row_lo, row_hi, best(W);
  int have_lo = -1, have_hi = -1;
  for (int y = 0; y < H; ++y) {
    // Consecutive output rows share their source rows (an upscale of 4-8x).
    if (ty.lo[y] != have_lo) {
      if (ty.lo[y] == have_hi) {
        std::swap(row_lo, row_hi);
        have_hi = -1;
      } else {
        resize_row(ty.lo[y], row_lo);
      }
      have_lo = ty.lo[y];
    }
    if (ty.hi[y] != have_hi) {
      resize_row(ty.hi[y], row_hi);
      have_hi = ty.hi[y];
    }
    const float b = ty.w[y], a = 1.0f - b;
    uint8_t* id = ids.ptr<uint8_t>(y);
    // Class by class over the whole row: branch-free, so the compiler vectorises it.
    for (int x = 0; x < W; ++x) best[x] = row_lo[x] * a + row_hi[x] * b, id[x] = 0;
    for (int c = 1; c < classes; ++c) {
      const float* p = &row_lo[static_cast<size_t>(c) * W];
      const float* q = &row_hi[static_cast<size_t>(c) * W];
      const uint8_t cid = static_cast<uint8_t>(c);
      for (int x = 0; x < W; ++x) {
        const float v = p[x] * a + q[x] * b;
        const bool better = v > best[x];
        best[x] = better ? v : best[x];
        id[x] = better ? cid : id[x];
      }
    }
  }
  return ids;
}

cv::Mat logits_to_ids_reference(const cv::Mat& logits, cv::Size frame_size) {
  const int classes = logits.size[0], h = logits.size[1], w = logits.size[2];
  cv::Mat best(frame_size, CV_32FC1, cv::Scalar(-std::numeric_limits<float>::infinity()));
  cv::Mat ids(frame_size, CV_8UC1, cv::Scalar(0)), up;
  for (int c = 0; c < classes; ++c) {
    const cv::Mat plane(h, w, CV_32FC1, const_cast<float*>(logits.ptr<float>(c)));
    if (plane.size() == frame_size)
      up = plane;
    else
      cv::resize(plane, up, frame_size, 0, 0, cv::INTER_LINEAR);
    for (int r = 0; r < frame_size.height; ++r) {
      const float* u = up.ptr<float>(r);
      float* b = best.ptr<float>(r);
      uint8_t* id = ids.ptr<uint8_t>(r);
      for (int x = 0; x < frame_size.width; ++x)
        if (u[x] > b[x]) b[x] = u[x], id[x] = static_cast<uint8_t>(c);
    }
  }
  return ids;
}

double mean_entropy(const cv::Mat& logits) {
  const int classes = logits.size[0];
  const size_t n = static_cast<size_t>(logits.size[1]) * logits.size[2];
  if (classes < 1 || n == 0) return 0;
  std::vector<const float*> plane(classes);
  for (int c = 0; c < classes; ++c) plane[c] = logits.ptr<float>(c);
  // H = log Z - sum_c e^(l_c - m) (l_c - m) / Z, with m the pixel's largest logit.
  double total = 0;
  for (size_t p = 0; p < n; ++p) {
    float m = plane[0][p];
    for (int c = 1; c < classes; ++c) m = std::max(m, plane[c][p]);
    double z = 0, s = 0;
    for (int c = 0; c < classes; ++c) {
      const double d = static_cast<double>(plane[c][p]) - m;
      const double e = std::exp(d);
      z += e;
      s += e * d;
    }
    total += std::log(z) - s / z;
  }
  return total / static_cast<double>(n);
}

}  // namespace gearnn

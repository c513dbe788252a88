#pragma once
// Small inline helpers of the street-scene generator: deterministic hashing and
// random numbers, value noise, colour arithmetic. Hot per-pixel code calls them,
// so they stay inline here.
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

// Bit-identical frames across builds: forbid fusing a*b+c into FMA, which
// -march=native (or ARM64 by default) would otherwise do where it pleases.
// Applies to the rest of every source file that includes this header.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace gearnn::scene {

constexpr double kPi = 3.14159265358979323846;

using V3 = cv::Vec3f;  // RGB colour, nominal 0..255

// ---------------------------------------------------------------------------
// Deterministic randomness. std::*_distribution is implementation-defined, so
// everything goes through these helpers.

inline uint64_t mix64(uint64_t z) {  // splitmix64 finaliser
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

inline uint64_t hkey(uint64_t a, uint64_t b, uint64_t c = 0) { return mix64(mix64(mix64(a) ^ b) ^ c); }

inline double u01(uint64_t h) { return double(h >> 11) * (1.0 / 9007199254740992.0); }

inline int64_t fl(double v) { return int64_t(std::floor(v)); }

// Cheap lattice hash for per-pixel texture, in [0,1).
inline float h2(int64_t x, int64_t y, uint32_t s) {
  uint32_t h = s ^ 0x6A09E667u;
  h ^= uint32_t(x) * 0xCC9E2D51u;
  h = ((h << 15) | (h >> 17)) * 0x1B873593u;
  h ^= uint32_t(y) * 0x85EBCA6Bu;
  h = ((h << 13) | (h >> 19)) * 5u + 0xE6546B64u;
  h ^= uint32_t(uint64_t(x) >> 32) ^ (uint32_t(uint64_t(y) >> 32) * 0x27D4EB2Fu);
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  return float(h >> 8) * (1.0f / 16777216.0f);
}

// Small wrapper over mt19937_64 raw outputs.
class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  double u() { return u01(g_()); }
  double r(double a, double b) { return a + (b - a) * u(); }
  int i(int n) { return std::min(n - 1, int(u() * n)); }  // 0..n-1
  bool p(double prob) { return u() < prob; }
  double sign() { return p(0.5) ? 1.0 : -1.0; }
  double sr(double a, double b) {  // random sign times r(a, b)
    const double sg = sign();
    return sg * r(a, b);
  }
  // Colour with each channel in its own range. Draws are separate statements:
  // the evaluation order of function arguments is unspecified in C++, and the
  // sequence of draws must not depend on the compiler.
  V3 rgb(double r0, double r1, double g0, double g1, double b0, double b1) {
    const float cr = float(r(r0, r1));
    const float cg = float(r(g0, g1));
    const float cb = float(r(b0, b1));
    return V3(cr, cg, cb);
  }
  V3 col(const std::vector<V3>& pal, double jitter) {  // palette pick, slight per-channel jitter
    const V3 c = pal[size_t(i(int(pal.size())))];
    const float jr = float(r(1 - jitter, 1 + jitter));
    const float jg = float(r(1 - jitter, 1 + jitter));
    const float jb = float(r(1 - jitter, 1 + jitter));
    return V3(c[0] * jr, c[1] * jg, c[2] * jb);
  }
  uint32_t u32() { return uint32_t(g_() >> 32); }

 private:
  std::mt19937_64 g_;
};

inline float clampf(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }
inline float sstep(float e0, float e1, float x) {
  const float t = clampf((x - e0) / (e1 - e0), 0.f, 1.f);
  return t * t * (3.f - 2.f * t);
}
inline V3 mixc(const V3& a, const V3& b, float t) { return a * (1.f - t) + b * t; }
inline cv::Vec3b sat3(const V3& c) {
  return cv::Vec3b(cv::saturate_cast<uchar>(c[0]), cv::saturate_cast<uchar>(c[1]), cv::saturate_cast<uchar>(c[2]));
}
inline cv::Scalar sc(const V3& c) { return cv::Scalar(c[0], c[1], c[2]); }
inline int pix(double v) { return int(std::floor(std::max(-1e7, std::min(1e7, v)) + 0.5)); }
inline double frac(double v) { return v - std::floor(v); }
// Distance from v to the nearest multiple of period p.
inline double gridDist(double v, double p) { return std::abs(v - std::floor(v / p + 0.5) * p); }

// Smooth 1-D value noise in [0,1).
inline float vnoise1(double x, uint32_t s) {
  const double f0 = std::floor(x);
  const int64_t i = int64_t(f0);
  float f = float(x - f0);
  f = f * f * (3.f - 2.f * f);
  const float a = h2(i, 0, s), b = h2(i + 1, 0, s);
  return a + (b - a) * f;
}

// 2-D value noise, periodic in x with `px` cells (for the wrap-around sky).
inline float vnoise2p(double x, double y, int64_t px, uint32_t s) {
  const int64_t xi = fl(x), yi = fl(y);
  float fx = float(x - double(xi)), fy = float(y - double(yi));
  fx = fx * fx * (3.f - 2.f * fx);
  fy = fy * fy * (3.f - 2.f * fy);
  const int64_t x0 = ((xi % px) + px) % px, x1 = (x0 + 1) % px;
  const float a = h2(x0, yi, s), b = h2(x1, yi, s), c = h2(x0, yi + 1, s), d = h2(x1, yi + 1, s);
  return (a + (b - a) * fx) * (1.f - fy) + (c + (d - c) * fx) * fy;
}

}  // namespace gearnn::scene

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

using Colour = cv::Vec3f;  // RGB, nominal 0..255

// ---------------------------------------------------------------------------
// Deterministic randomness. std::*_distribution is implementation-defined, so
// everything goes through these helpers.

inline uint64_t splitmix64(uint64_t z) {  // the splitmix64 finaliser
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Hash of (seed, salt, index): picks everything that repeats along the street.
inline uint64_t hash_key(uint64_t a, uint64_t b, uint64_t c = 0) {
  return splitmix64(splitmix64(splitmix64(a) ^ b) ^ c);
}

// Top 53 bits of a hash as a double in [0,1).
inline double unit_interval(uint64_t h) { return double(h >> 11) * (1.0 / 9007199254740992.0); }

inline int64_t floor_int(double v) { return int64_t(std::floor(v)); }

// Cheap lattice hash for per-pixel texture, in [0,1).
inline float lattice_hash(int64_t x, int64_t y, uint32_t seed) {
  uint32_t h = seed ^ 0x6A09E667u;
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
  explicit Rng(uint64_t seed) : engine_(seed) {}
  double uniform() { return unit_interval(engine_()); }  // [0,1)
  double range(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  int index(int n) { return std::min(n - 1, int(uniform() * n)); }  // 0..n-1
  bool chance(double probability) { return uniform() < probability; }
  double sign() { return chance(0.5) ? 1.0 : -1.0; }
  double signed_range(double lo, double hi) {  // random sign times range(lo, hi)
    const double sg = sign();
    return sg * range(lo, hi);
  }
  // Colour with each channel in its own range. Draws are separate statements:
  // the evaluation order of function arguments is unspecified in C++, and the
  // sequence of draws must not depend on the compiler.
  Colour rgb(double r_lo, double r_hi, double g_lo, double g_hi, double b_lo, double b_hi) {
    const float cr = float(range(r_lo, r_hi));
    const float cg = float(range(g_lo, g_hi));
    const float cb = float(range(b_lo, b_hi));
    return Colour(cr, cg, cb);
  }
  // A palette entry with slight per-channel jitter.
  Colour pick(const std::vector<Colour>& palette, double jitter) {
    const Colour c = palette[size_t(index(int(palette.size())))];
    const float jr = float(range(1 - jitter, 1 + jitter));
    const float jg = float(range(1 - jitter, 1 + jitter));
    const float jb = float(range(1 - jitter, 1 + jitter));
    return Colour(c[0] * jr, c[1] * jg, c[2] * jb);
  }
  uint32_t bits32() { return uint32_t(engine_() >> 32); }

 private:
  std::mt19937_64 engine_;
};

inline float clamp_float(float v, float lo, float hi) { return v < lo ? lo : (v > hi ? hi : v); }
inline float smoothstep(float e0, float e1, float x) {
  const float t = clamp_float((x - e0) / (e1 - e0), 0.f, 1.f);
  return t * t * (3.f - 2.f * t);
}
inline Colour mix_colour(const Colour& a, const Colour& b, float t) { return a * (1.f - t) + b * t; }
inline cv::Vec3b saturate_colour(const Colour& c) {
  return cv::Vec3b(cv::saturate_cast<uchar>(c[0]), cv::saturate_cast<uchar>(c[1]), cv::saturate_cast<uchar>(c[2]));
}
inline cv::Scalar to_scalar(const Colour& c) { return cv::Scalar(c[0], c[1], c[2]); }
// Nearest pixel index, clamped far outside any frame so the int cannot overflow.
inline int round_pixel(double v) { return int(std::floor(std::max(-1e7, std::min(1e7, v)) + 0.5)); }
inline double frac(double v) { return v - std::floor(v); }
// Distance from v to the nearest multiple of period.
inline double grid_distance(double v, double period) { return std::abs(v - std::floor(v / period + 0.5) * period); }

// Smooth 1-D value noise in [0,1).
inline float value_noise(double x, uint32_t seed) {
  const double f0 = std::floor(x);
  const int64_t i = int64_t(f0);
  float f = float(x - f0);
  f = f * f * (3.f - 2.f * f);
  const float a = lattice_hash(i, 0, seed), b = lattice_hash(i + 1, 0, seed);
  return a + (b - a) * f;
}

// 2-D value noise, periodic in x with `period` cells (for the wrap-around sky).
inline float value_noise_periodic(double x, double y, int64_t period, uint32_t seed) {
  const int64_t xi = floor_int(x), yi = floor_int(y);
  float fx = float(x - double(xi)), fy = float(y - double(yi));
  fx = fx * fx * (3.f - 2.f * fx);
  fy = fy * fy * (3.f - 2.f * fy);
  const int64_t x0 = ((xi % period) + period) % period, x1 = (x0 + 1) % period;
  const float a = lattice_hash(x0, yi, seed), b = lattice_hash(x1, yi, seed);
  const float c = lattice_hash(x0, yi + 1, seed), d = lattice_hash(x1, yi + 1, seed);
  return (a + (b - a) * fx) * (1.f - fy) + (c + (d - c) * fx) * fy;
}

}  // namespace gearnn::scene

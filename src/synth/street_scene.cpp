// Procedural street scenes with exact labels.
//
// World model (metres). The camera at depth 0 looks along +Z across a street
// that runs along X. From near to far: near sidewalk (until Zn), road (Zn..Zs),
// curb, far sidewalk (Zs..Zb), a row of facades at depth Zb with gaps (side
// streets, small parks), a hazy skyline at Zfar and the sky. The pinhole has its
// principal point shifted vertically (horizon row yh), so verticals stay
// vertical and a facade is a pure scale + shift of its own metric coordinates.
//
// Randomness: the layout comes from std::mt19937_64 raw outputs; every repeated
// thing (lots, trees, cars, people) is indexed along X and drawn from a hash of
// (seed, kind, index), and moving things have closed-form positions in time, so
// any frame renders without state.
//
// Exact labels: flat surfaces fill integer rows/rects in both images; objects
// are rasterised (LINE_8) into a small part-id map, and colour and label are
// written from that same map, so silhouettes and labels coincide pixel for pixel.
// Painter's order (far to near) gives consistent occlusion.
#include "gearnn/synth/street_scene.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

// Bit-identical frames across builds: forbid fusing a*b+c into FMA, which
// -march=native (or ARM64 by default) would otherwise do where it pleases.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace gearnn {

const std::vector<std::string>& street_class_names() {
  static const std::vector<std::string> names = {"road",       "sidewalk", "building", "pole",
                                                 "vegetation", "sky",      "person",   "car"};
  return names;
}

const std::vector<std::array<uint8_t, 3>>& street_palette() {
  static const std::vector<std::array<uint8_t, 3>> pal = {{{128, 64, 128}},  {{244, 35, 232}}, {{70, 70, 70}},
                                                          {{153, 153, 153}}, {{107, 142, 35}}, {{70, 130, 180}},
                                                          {{220, 20, 60}},   {{0, 0, 142}}};
  return pal;
}

namespace {

enum Cls : uint8_t { kRoad = 0, kSidewalk, kBuilding, kPole, kVeg, kSky, kPerson, kCar };

constexpr double kFps = 10.0;
constexpr double kCurbH = 0.15;  // sidewalk height above the road (m)
constexpr double kPi = 3.14159265358979323846;

using V3 = cv::Vec3f;  // RGB colour, nominal 0..255

// ---------------------------------------------------------------------------
// Deterministic randomness. std::*_distribution is implementation-defined, so
// everything goes through these helpers.

uint64_t mix64(uint64_t z) {  // splitmix64 finaliser
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t hkey(uint64_t a, uint64_t b, uint64_t c = 0) { return mix64(mix64(mix64(a) ^ b) ^ c); }

double u01(uint64_t h) { return double(h >> 11) * (1.0 / 9007199254740992.0); }

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

// ---------------------------------------------------------------------------
// Camera of one frame: pinhole at (x, height h) looking along +Z, focal f px,
// horizon row yh, principal column cx.
struct Cam {
  double x, h, f, yh, cx;
  double s(double Z) const { return f / Z; }  // pixels per metre at depth Z
  double sx(double X, double Z) const { return cx + (X - x) * f / Z; }
  double sy(double Z, double Y) const { return yh + f * (h - Y) / Z; }
  double wx(double col, double Z) const { return x + (col - cx) * Z / f; }  // world X at column edge
};

// Rows where the flat bands start (all derived once per frame so every pass agrees).
struct Frame {
  int t;
  double time;
  Cam cam;
  int yFar, yBase, yCurb, yRoad, yNear;  // skyline foot, facade foot, curb top, road top, near curb
};

// Object part-id map: objects are rasterised here with LINE_8 and then shaded,
// so colour and label come from the same pixels.
class PartMap {
 public:
  PartMap(int W, int H, double x0, double y0, double x1, double y1) {
    auto cl = [](double v) { return std::max(-1e6, std::min(1e6, v)); };
    const int ix0 = int(std::floor(cl(x0))) - 2, iy0 = int(std::floor(cl(y0))) - 2;
    const int ix1 = int(std::ceil(cl(x1))) + 2, iy1 = int(std::ceil(cl(y1))) + 2;
    roi = cv::Rect(ix0, iy0, ix1 - ix0, iy1 - iy0) & cv::Rect(0, 0, W, H);
    if (!empty()) ids = cv::Mat::zeros(roi.size(), CV_8U);
  }
  bool empty() const { return roi.width <= 0 || roi.height <= 0; }
  void poly(std::initializer_list<cv::Point2d> pts, uint8_t id) { poly(std::vector<cv::Point2d>(pts), id); }
  void poly(const std::vector<cv::Point2d>& pts, uint8_t id) {
    std::vector<cv::Point> q;
    q.reserve(pts.size());
    for (const auto& p : pts) q.push_back(fp(p));
    const cv::Point* ptr = q.data();
    const int n = int(q.size());
    cv::fillPoly(ids, &ptr, &n, 1, cv::Scalar(id), cv::LINE_8, kShift);
  }
  void disc(const cv::Point2d& c, double r, uint8_t id) {
    if (r <= 0) return;
    cv::circle(ids, fp(c), std::max(1, int(std::lround(r * kOne))), cv::Scalar(id), cv::FILLED, cv::LINE_8, kShift);
  }
  // Thick segment with round ends (limbs, arms of lamps).
  void capsule(const cv::Point2d& a, const cv::Point2d& b, double w, uint8_t id) {
    const cv::Point2d d = b - a;
    const double len = std::hypot(d.x, d.y);
    const cv::Point2d n = len > 1e-9 ? cv::Point2d(-d.y / len, d.x / len) * (0.5 * w) : cv::Point2d(0.5 * w, 0);
    poly({a + n, b + n, b - n, a - n}, id);
    disc(a, 0.5 * w, id);
    disc(b, 0.5 * w, id);
  }
  void line(const cv::Point2d& a, const cv::Point2d& b, uint8_t id) {
    cv::line(ids, fp(a), fp(b), cv::Scalar(id), 1, cv::LINE_8, kShift);
  }
  cv::Rect roi;
  cv::Mat ids;

 private:
  static constexpr int kShift = 4;  // 1/16 px vertex precision keeps motion smooth
  static constexpr double kOne = 16.0;
  cv::Point fp(const cv::Point2d& p) const {
    return {int(std::lround((p.x - roi.x) * kOne)), int(std::lround((p.y - roi.y) * kOne))};
  }
};

// Shade every non-zero part pixel; the shader may return false to leave a hole.
// `gain` darkens objects standing in a sun shadow.
template <class Shader>
void composite(const PartMap& pm, cv::Mat& rgb, cv::Mat& lab, uint8_t cls, Shader&& shade, float gain = 1.f) {
  for (int r = 0; r < pm.roi.height; ++r) {
    const int y = pm.roi.y + r;
    const uint8_t* id = pm.ids.ptr<uint8_t>(r);
    cv::Vec3b* out = rgb.ptr<cv::Vec3b>(y) + pm.roi.x;
    uint8_t* lo = lab.ptr<uint8_t>(y) + pm.roi.x;
    for (int c = 0; c < pm.roi.width; ++c) {
      if (!id[c]) continue;
      V3 col;
      if (!shade(id[c], pm.roi.x + c, y, col)) continue;
      out[c] = sat3(col * gain);
      lo[c] = cls;
    }
  }
}

// ---------------------------------------------------------------------------
// Layout records.

struct Stream {  // a stream of equally fast things along X at one depth
  double Z, speed, gap, jitter, prob;
  uint64_t salt;
};

struct Slots {  // static things at (roughly) regular X positions
  double Z, spacing, jitter, prob;
  uint64_t salt;
};

enum LotType { kLotBuilding = 0, kLotGap, kLotPark };
struct Lot {
  int64_t k;
  double X0, X1;
  int type;
};

enum Material { kBrick = 0, kStone, kPlaster, kPanels, kGlass };
struct Building {
  double X0, X1, Hb, depth;
  float light;
  int mat;
  V3 col, joint, trim, frame, glass, door, aw1, aw2, sign;
  double jl, jh, jw;  // joint spacing along u and v, joint half-width (m)
  float tint, grain, stain;
  bool stagger, shop, awning, shutters, pipe, antenna;
  double floorH, groundH, winW, winH, margin;
  int nCols, winStyle, chimneys;
  uint32_t hs;
};

enum Kind { kKindHedge = 0, kKindTree, kKindPole, kKindPerson, kKindCar };
struct Obj {
  int kind;
  double X, Z, gy;  // foot position and ground height
  uint64_t key, h;  // sort tie-break, appearance hash
  int dir;          // facing +1 / -1 along X
  double dist;      // distance travelled (gait phase, wheel angle)
  double size;      // kind specific: speed, hedge length, park-tree flag, parked flag
  float lit = 1.f;  // < 1 when the foot point is in a sun shadow
};

struct Shadow {  // ellipse on the ground plane
  double X, Z, rx, rz;
  float strength;
  bool sun;  // sun shadows (dappled, take the min) vs contact shadows (soft, multiply)
};

// Ground shadows of one frame: facade heights along X (buildings shade the
// street when the sun is behind them) plus contact and crown ellipses.
struct GroundShadows {
  double x0 = 0, step = 0.1;
  std::vector<float> height;  // facade top above the road, per step along X
  std::vector<Shadow> all;    // contact and crown shadows
  double heightAt(double X) const {
    const int64_t i = int64_t(std::floor((X - x0) / step));
    return (i >= 0 && i < int64_t(height.size())) ? height[size_t(i)] : 0.0;
  }
};

struct TreeShape {
  double R, trunkH, hc, trunkW;
};
struct CarShape {
  int type;
  double L, Hc, wr, belt;
  V3 paint;
};

}  // namespace

// ===========================================================================
struct StreetScene::Impl {
  uint64_t seed;
  int W, H;
  // Camera motion.
  double fFrac, yhFrac, camH, panX0, panV, panA, panT, panPh, bobA, bobT, zoomA, zoomT, zoomPh;
  // Street depths (m from the camera).
  double Zn, Zs, Zb, Zfar;
  // Ground look.
  V3 roadCol, markCol, centreCol, walkCol, walkJoint, curbCol, grassCol;
  double centreZ, dashLen, dashDuty, tileL, tileW, crossEvery, crossProb, gutterW;
  bool pavers, edgeLines;
  std::vector<double> tracks;  // wheel tracks (depths) darkening the asphalt
  // Buildings.
  int style;
  double lotAvg, hLo, hHi, pGap, pPark, hedgeProb, farLot, farLo, farHi;
  // Sky and light.
  V3 zenith, horizon;
  int sun;  // 0 overcast, 1 sun behind the facades (street shadows), 2 sun behind the camera
  double shK, shSkew, shDark, facadeLight;
  double expBase, expA1, expT1, expP1, expA2, expT2, expP2, ctBase, ctA, ctT, ctP;
  double cloudA, cloudScale, windV, skyWindPx;
  bool autumn;
  V3 leafBase;
  // Traffic, pedestrians, street furniture.
  std::vector<Stream> lanes, walkers;
  Slots farTrees, nearTrees, farPoles, nearPoles;
  // Precomputed per (seed, size).
  cv::Mat sky;                // CV_8UC3 panorama, 2W wide, wraps around
  std::vector<float> vig;     // vignette gain per pixel
  std::vector<int8_t> noise;  // sensor noise tile (W+64) x (H+64) x 3
  int noiseStride;

  Impl(uint64_t seed, int W, int H);
  void render(int t, cv::Mat& rgb, cv::Mat& lab) const;

  // Layout helpers.
  Frame frame(int t) const;
  double lotEdge(int64_t k) const;
  int lotType(int64_t k) const;
  std::vector<Lot> lotsIn(double xa, double xb) const;
  Building building(const Lot& L) const;
  TreeShape treeShape(const Obj& o) const;
  CarShape carShape(const Obj& o) const;
  std::vector<Obj> collectObjects(const Frame& F, const std::vector<Lot>& lots) const;
  void addSlots(const Frame& F, const Slots& S, int kind, double margin, std::vector<Obj>& out) const;
  void addStream(const Frame& F, const Stream& L, double Zlo, double Zhi, int kind, double margin, double gy,
                 std::vector<Obj>& out) const;
  GroundShadows shadowsOf(const Frame& F, const std::vector<Obj>& objs) const;
  float sunAt(const GroundShadows& S, double X, double Z) const;

  // Drawing passes (far to near).
  void drawSky(const Frame& F, cv::Mat& rgb) const;
  void drawSkyline(const Frame& F, cv::Mat& rgb, cv::Mat& lab) const;
  void drawBackGround(const Frame& F, const std::vector<Lot>& lots, cv::Mat& rgb, cv::Mat& lab) const;
  void drawSideWalls(const Frame& F, const std::vector<Lot>& lots, cv::Mat& rgb, cv::Mat& lab) const;
  void drawBuilding(const Frame& F, const Building& B, cv::Mat& rgb, cv::Mat& lab) const;
  void shadeFacade(const Frame& F, const Building& B, cv::Mat& rgb, const cv::Rect& r) const;
  void drawOpenings(const Frame& F, const Building& B, cv::Mat& rgb, const cv::Rect& r) const;
  void drawGround(const Frame& F, const GroundShadows& shadows, cv::Mat& rgb, cv::Mat& lab) const;
  void drawTree(const Frame& F, const Obj& o, cv::Mat& rgb, cv::Mat& lab) const;
  void drawHedge(const Frame& F, const Obj& o, cv::Mat& rgb, cv::Mat& lab) const;
  void drawPole(const Frame& F, const Obj& o, cv::Mat& rgb, cv::Mat& lab) const;
  void drawPerson(const Frame& F, const Obj& o, cv::Mat& rgb, cv::Mat& lab) const;
  void drawCar(const Frame& F, const Obj& o, cv::Mat& rgb, cv::Mat& lab) const;
  void applyLight(const Frame& F, const cv::Mat& lab, cv::Mat& rgb) const;

  // Leaf colour with speckle and see-through holes; shared by trees and hedges.
  bool leaf(double u, double v, double R, double s, uint32_t hs, float holeBase, V3& out) const;
  void buildSky();
};

// ---------------------------------------------------------------------------
// Layout from the seed.

StreetScene::Impl::Impl(uint64_t seed_, int W_, int H_) : seed(seed_), W(W_), H(H_) {
  Rng R(hkey(seed, 0x5CE4E));
  // Camera: focal length and horizon in units of frame height so geometry scales with size.
  fFrac = R.r(0.72, 0.95);
  yhFrac = R.r(0.30, 0.44);
  camH = R.r(1.7, 3.2);
  panV = R.sr(0.7, 2.2);
  panA = R.r(0.0, 1.2);
  panT = R.r(6, 20);
  panPh = R.r(0, 2 * kPi);
  panX0 = R.r(-20000, 20000);
  bobA = R.r(0.005, 0.03);
  bobT = R.r(0.7, 1.4);
  zoomA = R.r(0.0, 0.025);
  zoomT = R.r(8, 25);
  zoomPh = R.r(0, 2 * kPi);

  // Street cross-section: the near sidewalk shows a little, road 6.5..13 m wide.
  const double zMin = fFrac * (camH - kCurbH) / (1.0 - yhFrac);  // ground depth at the bottom row
  Zn = zMin + R.r(0.3, 1.8);
  Zs = Zn + R.r(6.5, 13.0);
  Zb = Zs + R.r(2.8, 5.0);
  Zfar = Zb + R.r(20, 45);

  // Road and sidewalk: similar greys, told apart by texture (grain vs tile joints).
  const double g = R.r(78, 108);
  roadCol = R.rgb(g - 4, g + 3, g - 3, g + 3, g - 2, g + 7);
  const double wg = g + R.r(18, 55);
  const int walkKind = R.i(4);
  if (walkKind == 0)
    walkCol = V3(float(wg + 25), float(wg - 5), float(wg - 20));  // red-brown pavers
  else if (walkKind == 1)
    walkCol = V3(float(wg + 10), float(wg + 4), float(wg - 8));  // beige
  else
    walkCol = V3(float(wg), float(wg), float(wg + R.r(-3, 4)));  // grey concrete
  walkJoint = walkCol * float(R.r(0.55, 0.75));
  curbCol = V3(float(wg + 20), float(wg + 20), float(wg + 18));
  pavers = R.p(0.35);
  tileL = pavers ? R.r(0.18, 0.26) : R.r(0.3, 0.6);
  tileW = pavers ? tileL * 0.5 : tileL * R.r(0.6, 1.0);
  markCol = V3(232, 232, 226);
  centreCol = R.p(0.3) ? V3(225, 185, 40) : markCol;
  dashLen = R.r(3, 6);
  dashDuty = R.r(0.35, 0.6);
  edgeLines = R.p(0.5);
  crossEvery = R.r(60, 160);
  crossProb = R.r(0.2, 0.7);
  gutterW = R.r(0.25, 0.45);
  grassCol = R.rgb(70, 95, 110, 140, 40, 60);

  // Traffic: two moving lanes (maybe one-way), optional parking lane at the far curb.
  const bool parking = R.p(0.65);
  const double laneLo = Zn + 0.3, laneHi = Zs - (parking ? 2.5 : 0.3);
  const double lw = laneHi - laneLo;
  const double dirNear = R.sign();
  const bool oneWay = R.p(0.2);
  lanes.push_back({laneLo + 0.26 * lw, dirNear * R.r(5, 12), R.r(10, 30), 0, R.r(0.55, 0.95), 0xCA41});
  lanes.push_back(
      {laneLo + 0.72 * lw, (oneWay ? dirNear : -dirNear) * R.r(5, 12), R.r(10, 30), 0, R.r(0.55, 0.95), 0xCA42});
  if (parking) lanes.push_back({Zs - 1.25, 0.0, R.r(5.6, 7.5), 0, R.r(0.45, 0.9), 0xCA43});
  for (auto& L : lanes) L.jitter = std::max(0.0, 0.5 * (L.gap - 5.5));
  centreZ = laneLo + 0.49 * lw;
  tracks = {lanes[0].Z - 0.75, lanes[0].Z + 0.75, lanes[1].Z - 0.75, lanes[1].Z + 0.75};

  // Pedestrians: streams walking either way on both sidewalks plus people standing.
  const double fLo = Zs + 1.0, fHi = std::max(fLo + 0.3, Zb - 0.45);
  walkers.push_back({fLo, R.r(1.0, 1.6), R.r(4, 12), 0, R.r(0.5, 0.95), 0x9E01});
  walkers.push_back({fLo, -R.r(1.0, 1.6), R.r(4, 12), 0, R.r(0.5, 0.95), 0x9E02});
  walkers.push_back({fHi - 0.6, 0.0, R.r(12, 35), 0, R.r(0.3, 0.8), 0x9E03});
  walkers.push_back({Zn - 2.4, R.r(1.0, 1.6), R.r(6, 18), 0, R.r(0.4, 0.9), 0x9E04});
  walkers.push_back({Zn - 2.4, -R.r(1.0, 1.6), R.r(6, 18), 0, R.r(0.4, 0.9), 0x9E05});
  for (auto& L : walkers) L.jitter = 0.45 * L.gap;

  // Street furniture.
  farTrees = {Zs + 0.9, R.r(6, 12), 1.5, R.r(0.45, 0.95), 0x7E01};
  nearTrees = {Zn - 0.9, R.r(25, 50), 3.0, R.r(0.0, 0.5), 0x7E02};
  farPoles = {Zs + 0.35, R.r(10, 22), 2.0, R.r(0.8, 1.0), 0x9001};
  nearPoles = {Zn - 0.35, R.r(12, 30), 2.0, R.r(0.5, 0.95), 0x9002};
  autumn = R.p(0.15);
  leafBase = autumn ? R.rgb(140, 180, 120, 150, 30, 50) : R.rgb(55, 90, 95, 130, 30, 55);

  // Buildings: old town (brick/stone/plaster), modern (panels/glass), or mixed.
  style = R.i(3);
  lotAvg = R.r(9, 16);
  // Heights relative to the height seen at the top of the frame, so that some
  // roofs are below it (sky visible) and some above, whatever the camera.
  const double hTop = camH + yhFrac * Zb / fFrac, hTopFar = camH + yhFrac * Zfar / fFrac;
  hLo = std::max(3.5, hTop * R.r(0.4, 0.6));
  hHi = hTop * R.r(0.95, 1.6);
  pGap = R.r(0.06, 0.2);
  pPark = R.r(0.0, 0.15);
  hedgeProb = R.r(0.1, 0.6);
  farLot = R.r(12, 25);
  farLo = hTopFar * R.r(0.25, 0.45);
  farHi = hTopFar * R.r(0.6, 1.1);

  // Sky and sun.
  sun = R.p(0.4) ? 0 : (R.p(0.6) ? 1 : 2);
  if (sun == 0) {
    const double s0 = R.r(140, 185);
    zenith = V3(float(s0 - 8), float(s0 - 2), float(s0 + 8));
    horizon = V3(float(s0 + 30), float(s0 + 32), float(s0 + 34));
  } else if (R.p(0.15)) {  // low evening sun
    zenith = R.rgb(60, 90, 85, 110, 150, 190);
    horizon = R.rgb(230, 250, 170, 200, 120, 160);
  } else {
    zenith = R.rgb(40, 80, 95, 135, 175, 225);
    horizon = R.rgb(165, 205, 190, 220, 220, 245);
  }
  shK = R.r(0.5, 1.5);
  shSkew = R.r(-0.8, 0.8);
  shDark = R.r(0.45, 0.65);
  facadeLight = sun == 1 ? 0.82 : (sun == 2 ? 1.08 : 0.95);

  // Lighting drift: exposure wander plus faster flicker, colour temperature drift, cloud shadows.
  expBase = R.r(0.85, 1.1);
  expA1 = R.r(0.06, 0.25);
  expT1 = R.r(6, 25);
  expP1 = R.r(0, 2 * kPi);
  expA2 = R.r(0.0, 0.06);
  expT2 = R.r(1.5, 4);
  expP2 = R.r(0, 2 * kPi);
  ctBase = R.r(-0.06, 0.06);
  ctA = R.r(0.01, 0.06);
  ctT = R.r(8, 30);
  ctP = R.r(0, 2 * kPi);
  cloudA = sun ? R.r(0.15, 0.4) : R.r(0.0, 0.1);
  cloudScale = R.r(15, 50);
  windV = R.sr(1.5, 6);
  skyWindPx = R.sr(0.004, 0.02) * W;

  buildSky();

  // Vignette and a fixed sensor-noise tile (sampled at a per-frame offset).
  const double vigA = R.r(0.1, 0.3);
  vig.resize(size_t(W) * H);
  for (int y = 0; y < H; ++y)
    for (int x = 0; x < W; ++x) {
      const double dx = (x + 0.5) / W * 2 - 1, dy = (y + 0.5) / H * 2 - 1;
      vig[size_t(y) * W + x] = float(1.0 - vigA * 0.5 * (dx * dx + dy * dy));
    }
  const double sigma = R.r(1.0, 3.0);
  noiseStride = W + 64;
  noise.resize(size_t(noiseStride) * (H + 64) * 3);
  Rng N(hkey(seed, 0x4015E));
  for (auto& n : noise) {
    double sum = -2.0;  // Irwin-Hall of 4 uniforms, unit variance after scaling
    for (int k = 0; k < 4; ++k) sum += N.u();
    const double gauss = sum * 1.7320508;
    n = int8_t(std::max(-100.0, std::min(100.0, std::round(sigma * gauss))));
  }
}

// Sky panorama: vertical gradient plus wrap-around fBm clouds; only rows that
// can show sky are computed, the rest is horizon colour.
void StreetScene::Impl::buildSky() {
  const int PW = 2 * W;
  sky.create(H, PW, CV_8UC3);
  Rng R(hkey(seed, 0x5C1));
  const double cover = sun == 0 ? R.r(0.25, 0.4) : R.r(0.35, 0.65);
  const float amount = float(sun == 0 ? R.r(0.3, 0.6) : R.r(0.6, 1.0));
  const V3 cloudLit = sun == 0 ? horizon * 1.05f : V3(250, 250, 252);
  const V3 cloudDark = sun == 0 ? zenith * 0.85f : mixc(zenith, V3(150, 152, 160), 0.7f);
  const uint32_t s = R.u32();
  const double yh = yhFrac * H;
  const int rows = std::min(H, int(yh + 0.12 * H) + 2);
  for (int y = 0; y < H; ++y) {
    const float tg = clampf(float(y / (yh * 1.05)), 0.f, 1.f);
    const V3 base = mixc(zenith, horizon, std::pow(tg, 0.7f));
    cv::Vec3b* row = sky.ptr<cv::Vec3b>(y);
    for (int x = 0; x < PW; ++x) {
      if (y >= rows) {
        row[x] = sat3(base);
        continue;
      }
      const double fx = double(x) / PW, fy = double(y) / H;
      // Cells ~0.4 H wide and ~0.15 H tall (flat clouds), periodic across the panorama.
      float n = 0.f, amp = 0.5f;
      int64_t cells = std::max<int64_t>(1, std::lround(PW / (0.4 * H)));
      double rowsPerH = 1.0 / 0.15;
      for (int o = 0; o < 4; ++o) {
        n += amp * vnoise2p(fx * double(cells), fy * rowsPerH, cells, s + o);
        amp *= 0.5f;
        cells *= 2;
        rowsPerH *= 2;
      }
      n /= 0.9375f;
      const float d = sstep(float(cover), float(cover) + 0.22f, n) * amount * (0.4f + 0.6f * (1.f - tg * 0.5f));
      const V3 cloud = mixc(cloudDark, cloudLit, sstep(float(cover), float(cover) + 0.4f, n));
      row[x] = sat3(mixc(base, cloud, d));
    }
  }
}

StreetScene::StreetScene(uint64_t seed, int width, int height) {
  if (width < 16 || height < 16) throw std::invalid_argument("StreetScene: frame must be at least 16x16");
  impl_ = std::make_shared<const Impl>(seed, width, height);
}

void StreetScene::render(int t, cv::Mat& rgb, cv::Mat& labels) const {
  if (t < 0) throw std::invalid_argument("StreetScene::render: t must be >= 0");
  impl_->render(t, rgb, labels);
}

// ---------------------------------------------------------------------------
// Per-frame camera: pan along the street (with speed wobble), walking bob, slow zoom.
Frame StreetScene::Impl::frame(int t) const {
  Frame F;
  F.t = t;
  F.time = t / kFps;
  const double tm = F.time;
  Cam& C = F.cam;
  C.f = fFrac * H * (1.0 + zoomA * std::sin(2 * kPi * tm / zoomT + zoomPh));
  C.h = camH + bobA * std::sin(2 * kPi * tm / bobT);
  C.yh = yhFrac * H + 0.004 * H * std::sin(2 * kPi * tm / bobT + 1.0);
  C.cx = 0.5 * W;
  C.x = panX0 + panV * tm + panA * std::sin(2 * kPi * tm / panT + panPh);
  auto row = [&](double Z, double Y) { return std::max(0, std::min(H, pix(C.sy(Z, Y)))); };
  F.yFar = row(Zfar, 0.0);
  F.yBase = std::max(F.yFar, row(Zb, kCurbH));
  F.yCurb = std::max(F.yBase, row(Zs, kCurbH));
  F.yRoad = std::max(F.yCurb, row(Zs, 0.0));
  F.yNear = std::max(F.yRoad, row(Zn, kCurbH));
  return F;
}

double StreetScene::Impl::lotEdge(int64_t k) const {
  return double(k) * lotAvg + 0.3 * lotAvg * (2 * u01(hkey(seed, 0x107E, uint64_t(k))) - 1);
}

// Gaps and parks never come two in a row, so facades dominate.
int StreetScene::Impl::lotType(int64_t k) const {
  const double a = u01(hkey(seed, 0x1077, uint64_t(k)));
  const double prev = u01(hkey(seed, 0x1077, uint64_t(k - 1)));
  if (a < pGap + pPark && prev >= pGap + pPark) return a < pGap ? kLotGap : kLotPark;
  return kLotBuilding;
}

std::vector<Lot> StreetScene::Impl::lotsIn(double xa, double xb) const {
  std::vector<Lot> v;
  for (int64_t k = fl(xa / lotAvg) - 1; k <= fl(xb / lotAvg) + 1; ++k) {
    const Lot L{k, lotEdge(k), lotEdge(k + 1), lotType(k)};
    if (L.X1 >= xa && L.X0 <= xb) v.push_back(L);
  }
  return v;
}

// Facade appearance of one lot.
Building StreetScene::Impl::building(const Lot& L) const {
  Rng r(hkey(seed, 0xB0D1, uint64_t(L.k)));
  Building B;
  B.X0 = L.X0;
  B.X1 = L.X1;
  B.Hb = hLo + (hHi - hLo) * std::pow(r.u(), 1.4);
  B.depth = r.r(8, 18);
  B.light = float(facadeLight * r.r(0.88, 1.08));
  B.hs = r.u32();
  const double m = r.u();
  if (style == 0)
    B.mat = m < 0.45 ? kBrick : m < 0.65 ? kStone : kPlaster;
  else if (style == 1)
    B.mat = m < 0.35 ? kPanels : m < 0.6 ? kGlass : m < 0.85 ? kPlaster : kBrick;
  else
    B.mat = r.i(5);
  B.floorH = r.r(2.8, 3.6);
  B.shop = r.p(style == 1 ? 0.4 : 0.6);
  B.groundH = B.shop ? r.r(3.8, 4.8) : B.floorH;
  B.stagger = false;
  B.tint = 0.f;
  B.grain = 0.06f;
  B.stain = 0.f;
  B.jl = 1e6;
  B.jh = 1e6;
  B.jw = 0.01;
  switch (B.mat) {
    case kBrick:
      B.col = r.col({{150, 68, 50}, {128, 58, 42}, {165, 95, 70}, {185, 150, 105}, {110, 60, 50}, {140, 85, 65}}, 0.06);
      B.joint = V3(175, 170, 160) * float(r.r(0.8, 1.05));
      B.jl = r.r(0.38, 0.48);
      B.jh = r.r(0.15, 0.19);
      B.jw = 0.012;
      B.stagger = true;
      B.tint = 0.22f;
      B.grain = 0.10f;
      break;
    case kStone:
      B.col = r.col({{190, 180, 160}, {160, 155, 145}, {200, 190, 170}, {175, 160, 135}}, 0.05);
      B.joint = B.col * 0.68f;
      B.jl = r.r(0.8, 1.3);
      B.jh = r.r(0.35, 0.55);
      B.jw = 0.015;
      B.stagger = true;
      B.tint = 0.10f;
      B.grain = 0.09f;
      break;
    case kPlaster:
      B.col = r.col({{225, 215, 195},
                     {215, 200, 175},
                     {200, 175, 150},
                     {180, 195, 200},
                     {230, 225, 215},
                     {190, 160, 140},
                     {205, 190, 160},
                     {170, 170, 165},
                     {215, 190, 120}},
                    0.05);
      B.joint = B.col * 0.85f;
      B.jh = B.floorH;
      B.jw = 0.03;
      B.grain = 0.07f;
      B.stain = 0.10f;
      break;
    case kPanels:
      B.col = r.col({{150, 150, 148}, {175, 170, 160}, {120, 125, 130}, {200, 198, 190}, {95, 100, 105}}, 0.05);
      B.joint = B.col * 0.6f;
      B.jl = r.r(1.8, 3.2);
      B.jh = B.floorH * (r.p(0.5) ? 0.5 : 1.0);
      B.jw = 0.012;
      B.tint = 0.06f;
      B.grain = 0.05f;
      break;
    default:  // glass curtain wall: joints are the mullions
      B.col = r.col({{60, 90, 110}, {50, 70, 85}, {70, 100, 95}, {90, 100, 110}}, 0.06);
      B.joint = r.p(0.5) ? V3(60, 60, 65) : V3(175, 178, 180);
      B.jl = r.r(1.2, 1.8);
      B.jh = B.floorH;
      B.jw = 0.035;
      B.grain = 0.03f;
      break;
  }
  B.trim = r.p(0.5) ? B.col * 1.18f : V3(225, 222, 215);
  B.frame = r.col({{232, 232, 228}, {52, 48, 44}, {95, 68, 48}, {120, 130, 125}}, 0.04);
  B.glass = r.col({{42, 50, 60}, {55, 62, 70}, {35, 40, 46}}, 0.1);
  B.door = r.col({{70, 45, 30}, {40, 40, 45}, {110, 30, 30}, {30, 60, 50}}, 0.08);
  B.aw1 = r.col({{180, 30, 35}, {30, 90, 60}, {30, 50, 120}, {200, 150, 40}, {90, 40, 70}}, 0.05);
  B.aw2 = r.p(0.6) ? V3(235, 232, 220) : B.aw1 * 0.6f;
  B.sign = r.col({{30, 30, 35}, {160, 30, 30}, {230, 225, 210}, {30, 60, 110}}, 0.05);
  B.winW = r.r(0.9, 1.6);
  B.winH = r.r(1.3, std::min(2.0, B.floorH - 1.1));
  B.margin = r.r(0.6, 1.4);
  const double usable = (B.X1 - B.X0) - 2 * B.margin;
  B.nCols = std::max(1, int(usable / (B.winW + r.r(0.8, 2.0))));
  B.winStyle = r.i(3);
  B.awning = B.shop && r.p(0.5);
  B.shutters = B.mat != kGlass && B.mat != kPanels && r.p(0.25);
  B.pipe = r.p(0.4);
  B.chimneys = style == 1 ? 0 : r.i(3);
  B.antenna = r.p(0.3);
  return B;
}

// ---------------------------------------------------------------------------
// Objects visible in a frame.

void StreetScene::Impl::addSlots(const Frame& F, const Slots& S, int kind, double margin, std::vector<Obj>& out) const {
  const double a = F.cam.wx(0, S.Z) - margin - S.jitter, b = F.cam.wx(W, S.Z) + margin + S.jitter;
  for (int64_t k = fl(a / S.spacing); k <= fl(b / S.spacing) + 1; ++k) {
    const uint64_t h = hkey(seed, S.salt, uint64_t(k));
    if (u01(h) >= S.prob) continue;
    Obj o;
    o.kind = kind;
    o.X = double(k) * S.spacing + S.jitter * (2 * u01(mix64(h)) - 1);
    o.Z = S.Z;
    o.gy = kCurbH;
    o.key = h;
    o.h = mix64(h ^ 0xA5A5);
    o.dir = u01(mix64(h ^ 7)) < 0.5 ? 1 : -1;
    o.dist = 0;
    o.size = 0;
    out.push_back(o);
  }
}

// A lane of cars or a stream of walkers: member k sits at k*gap + jitter + speed*time,
// so the visible members of any frame can be enumerated directly.
void StreetScene::Impl::addStream(const Frame& F, const Stream& L, double Zlo, double Zhi, int kind, double margin,
                                  double gy, std::vector<Obj>& out) const {
  const double shift = L.speed * F.time;
  const double zFar = std::max(Zlo, Zhi);
  const double a = F.cam.wx(0, zFar) - margin - L.jitter - shift, b = F.cam.wx(W, zFar) + margin + L.jitter - shift;
  for (int64_t k = fl(a / L.gap); k <= fl(b / L.gap) + 1; ++k) {
    const uint64_t h = hkey(seed, L.salt, uint64_t(k));
    if (u01(h) >= L.prob) continue;
    Obj o;
    o.kind = kind;
    o.X = double(k) * L.gap + L.jitter * (2 * u01(mix64(h)) - 1) + shift;
    o.Z = Zlo + (Zhi - Zlo) * u01(mix64(h + 2));
    o.gy = gy;
    o.key = h;
    o.h = mix64(h ^ 0x5A5A);
    o.dir = L.speed > 0 ? 1 : (L.speed < 0 ? -1 : (u01(mix64(h + 3)) < 0.5 ? 1 : -1));
    o.dist = std::abs(L.speed) * F.time + 10 * u01(mix64(h + 4));
    o.size = std::abs(L.speed);
    if (kind == kKindPerson) o.X += 0.3 * std::sin(F.time * 0.9 + 6 * u01(mix64(h + 5)));  // small pace changes
    if (kind == kKindCar && L.speed == 0) o.size = -1;                                     // parked
    out.push_back(o);
  }
}

std::vector<Obj> StreetScene::Impl::collectObjects(const Frame& F, const std::vector<Lot>& lots) const {
  std::vector<Obj> out;
  addSlots(F, farTrees, kKindTree, 5.0, out);
  addSlots(F, nearTrees, kKindTree, 5.0, out);
  addSlots(F, farPoles, kKindPole, 2.5, out);
  addSlots(F, nearPoles, kKindPole, 2.5, out);
  for (const auto& L : lanes) addStream(F, L, L.Z, L.Z, kKindCar, 3.5, 0.0, out);
  const double fLo = Zs + 1.0, fHi = std::max(fLo + 0.3, Zb - 0.45);
  addStream(F, walkers[0], fLo, fHi, kKindPerson, 1.0, kCurbH, out);
  addStream(F, walkers[1], fLo, fHi, kKindPerson, 1.0, kCurbH, out);
  addStream(F, walkers[2], std::max(fLo, fHi - 0.6), fHi, kKindPerson, 1.0, kCurbH, out);
  const double nLo = std::max(2.8, Zn - 2.4), nHi = std::max(nLo + 0.2, Zn - 0.5);
  addStream(F, walkers[3], nLo, nHi, kKindPerson, 1.0, kCurbH, out);
  addStream(F, walkers[4], nLo, nHi, kKindPerson, 1.0, kCurbH, out);
  // Hedges in front gardens, trees and hedges in parks.
  for (const Lot& L : lots) {
    const uint64_t h = hkey(seed, 0x4ED6, uint64_t(L.k));
    const double w = L.X1 - L.X0;
    if (L.type == kLotPark || (L.type == kLotBuilding && u01(h) < hedgeProb)) {
      Obj o{kKindHedge, 0, Zb - 0.35, kCurbH, h, mix64(h), 1, 0, 0};
      const double a = L.type == kLotPark ? 0.3 : w * 0.5 * u01(mix64(h + 1));
      const double b = L.type == kLotPark ? w - 0.3 : a + std::max(1.5, w * 0.5 * u01(mix64(h + 2)));
      o.X = L.X0 + 0.5 * (a + b);
      o.size = std::max(0.5, std::min(b, w) - a);
      out.push_back(o);
    }
    if (L.type == kLotPark) {
      const int n = 1 + int(w / 6.0);
      for (int i = 0; i < n; ++i) {
        const uint64_t ht = hkey(seed, 0x9A4C, uint64_t(L.k) * 16 + uint64_t(i));
        Obj o{kKindTree,
              L.X0 + w * (i + 0.3 + 0.4 * u01(ht)) / n,
              Zb - 1.0 - 0.6 * u01(mix64(ht)),
              kCurbH,
              ht,
              mix64(ht ^ 3),
              1,
              0,
              1.0};
        out.push_back(o);
      }
    }
  }
  return out;
}

TreeShape StreetScene::Impl::treeShape(const Obj& o) const {
  Rng r(o.h);
  TreeShape T;
  T.R = r.r(1.4, 3.0) * (o.size > 0 ? 1.25 : 1.0);
  T.trunkH = r.r(1.8, 3.2);
  T.hc = T.trunkH + 0.75 * T.R;
  T.trunkW = r.r(0.18, 0.34);
  return T;
}

CarShape StreetScene::Impl::carShape(const Obj& o) const {
  Rng r(o.h);
  CarShape S;
  const double t = r.u();
  S.type = t < 0.42 ? 0 : t < 0.7 ? 1 : t < 0.88 ? 2 : 3;  // sedan, hatchback, SUV, van
  if (o.size < 0 && S.type == 3) S.type = 1;               // parked: keep within the parking gap
  static const double lens[4][2] = {{4.3, 4.9}, {3.7, 4.2}, {4.4, 4.9}, {4.8, 5.3}};
  static const double hs[4][2] = {{1.40, 1.50}, {1.45, 1.55}, {1.65, 1.80}, {1.90, 2.15}};
  S.L = r.r(lens[S.type][0], lens[S.type][1]);
  S.Hc = r.r(hs[S.type][0], hs[S.type][1]);
  S.wr = S.type >= 2 ? 0.35 : 0.31;
  S.belt = S.type == 0 ? 0.97 : S.type == 1 ? 1.0 : S.type == 2 ? 1.17 : 1.28;
  const std::vector<V3> pal = {{235, 235, 235}, {236, 236, 232}, {190, 192, 195}, {175, 178, 182}, {25, 25, 28},
                               {30, 30, 34},    {70, 72, 78},    {160, 20, 25},   {30, 55, 120},   {20, 30, 60},
                               {40, 80, 50},    {200, 190, 160}, {120, 30, 40},   {230, 120, 20}};
  S.paint = S.type == 3 && r.p(0.6) ? V3(238, 238, 236) : r.col(pal, 0.03);
  return S;
}

// Ground shadows: soft contact shadows under everything; with sun, dappled crown
// shadows and (sun behind the facades) the shadow of the building row.
GroundShadows StreetScene::Impl::shadowsOf(const Frame& F, const std::vector<Obj>& objs) const {
  GroundShadows out;
  if (sun == 1) {
    const Cam& C = F.cam;
    out.x0 = C.wx(0, Zb) - std::abs(shSkew) * Zb - 1;
    const double x1 = C.wx(W, Zb) + std::abs(shSkew) * Zb + 1;
    out.height.assign(size_t((x1 - out.x0) / out.step) + 2, 0.f);
    for (const Lot& L : lotsIn(out.x0, x1)) {
      if (L.type != kLotBuilding) continue;
      const float hb = float(building(L).Hb + kCurbH);
      const int64_t a = std::max<int64_t>(0, fl((L.X0 - out.x0) / out.step));
      const int64_t b = std::min<int64_t>(int64_t(out.height.size()), fl((L.X1 - out.x0) / out.step));
      for (int64_t i = a; i < b; ++i) out.height[size_t(i)] = hb;
    }
  }
  std::vector<Shadow>& sh = out.all;
  for (const Obj& o : objs) {
    switch (o.kind) {
      case kKindPerson:
        sh.push_back({o.X, o.Z, 0.35, 0.28, 0.35f, false});
        break;
      case kKindCar: {
        const CarShape S = carShape(o);
        sh.push_back({o.X, o.Z, 0.5 * S.L + 0.15, 0.95, 0.55f, false});
        break;
      }
      case kKindTree: {
        const TreeShape T = treeShape(o);
        sh.push_back({o.X, o.Z, 0.35, 0.35, 0.3f, false});
        if (sun) {
          const double dz = (sun == 1 ? -1.0 : 1.0) * shK * T.hc;
          sh.push_back(
              {o.X + shSkew * shK * T.hc, o.Z + dz, T.R, T.R * std::max(0.6, shK * 0.8), float(1.0 - shDark), true});
        }
        break;
      }
      case kKindPole:
        sh.push_back({o.X, o.Z, 0.2, 0.2, 0.25f, false});
        break;
      default:
        break;
    }
  }
  return out;
}

// Sun light factor at a ground point (used to darken objects standing in shade).
float StreetScene::Impl::sunAt(const GroundShadows& S, double X, double Z) const {
  float f = 1.f;
  if (sun == 1 && Z < Zb && shK * S.heightAt(X + shSkew * (Zb - Z)) > Zb - Z) f = float(shDark);
  for (const Shadow& s : S.all) {
    if (!s.sun) continue;
    const double ex = (X - s.X) / s.rx, ez = (Z - s.Z) / s.rz;
    const double q = ex * ex + ez * ez;
    if (q < 1.0) f = std::min(f, 1.f - 0.8f * s.strength * sstep(1.f, 0.75f, float(q)));
  }
  return f;
}

// ---------------------------------------------------------------------------
// Sky: the panorama scrolls with the wind only (it is at infinity, panning does not move it).
void StreetScene::Impl::drawSky(const Frame& F, cv::Mat& rgb) const {
  const int PW = sky.cols;
  const int off = int(((fl(skyWindPx * F.time) % PW) + PW) % PW);
  const int n1 = std::min(W, PW - off);
  sky(cv::Rect(off, 0, n1, H)).copyTo(rgb(cv::Rect(0, 0, n1, H)));
  if (n1 < W) sky(cv::Rect(0, 0, W - n1, H)).copyTo(rgb(cv::Rect(n1, 0, W - n1, H)));
}

// Distant skyline: hazy blocks with small window grids, occasionally a clump of trees.
void StreetScene::Impl::drawSkyline(const Frame& F, cv::Mat& rgb, cv::Mat& lab) const {
  const Cam& C = F.cam;
  const double s = C.s(Zfar);
  const double xa = C.wx(0, Zfar) - 1, xb = C.wx(W, Zfar) + 1;
  auto edge = [&](int64_t k) {
    return double(k) * farLot + 0.3 * farLot * (2 * u01(hkey(seed, 0xFA7E, uint64_t(k))) - 1);
  };
  const std::vector<V3> pal = {{150, 150, 155}, {175, 165, 150}, {120, 130, 145}, {190, 185, 175}, {140, 120, 110}};
  for (int64_t k = fl(xa / farLot) - 1; k <= fl(xb / farLot) + 1; ++k) {
    const double X0 = edge(k), X1 = edge(k + 1);
    Rng r(hkey(seed, 0xFA4, uint64_t(k)));
    const double hgt = farLo + (farHi - farLo) * std::pow(r.u(), 1.3);
    const int x0 = std::max(0, pix(C.sx(X0, Zfar))), x1 = std::min(W, pix(C.sx(X1, Zfar)));
    const int y0 = std::max(0, pix(C.sy(Zfar, hgt))), y1 = F.yFar;
    if (x1 <= x0 || y1 <= y0) continue;
    const float haze = float(r.r(0.35, 0.6));
    if (r.p(0.18)) {  // tree clump: a low wall (fills down to the ground) under rounded crowns
      const double cy = C.sy(Zfar, 0.3 * hgt);
      PartMap pm(W, H, x0, C.sy(Zfar, hgt) - 4, x1, y1);
      if (pm.empty()) continue;
      pm.poly({{double(x0), cy}, {double(x1), cy}, {double(x1), double(y1) - 0.5}, {double(x0), double(y1) - 0.5}}, 1);
      const int n = 3 + r.i(4);
      for (int i = 0; i < n; ++i) {
        const double lift = r.r(0.1, 0.35), rad = r.r(0.25, 0.4);
        pm.disc({x0 + (x1 - x0) * (i + 0.5) / n, cy - lift * hgt * s}, rad * hgt * s, 1);
      }
      const V3 g = mixc(leafBase, horizon, haze);
      const uint32_t hs = r.u32();
      composite(pm, rgb, lab, kVeg, [&](uint8_t, int x, int y, V3& out) {
        out = g * (0.75f + 0.4f * h2(x, y, hs));
        return true;
      });
      continue;
    }
    const V3 col = mixc(r.col(pal, 0.05), horizon, haze);
    const cv::Rect rc(x0, y0, x1 - x0, y1 - y0);
    rgb(rc).setTo(sc(col));
    lab(rc).setTo(kBuilding);
    // Window grid, only where windows are at least ~2 px.
    const double fh = r.r(3.0, 3.6), ws = r.r(2.2, 3.5);
    if (fh * s < 4) continue;
    const V3 wc = mixc(V3(50, 58, 70), horizon, haze * 0.8f);
    const uint32_t hs = r.u32();
    cv::Mat sub = rgb(rc);
    for (int fi = 1; fi * fh < hgt - 1.0; ++fi) {
      const int wy0 = pix(C.sy(Zfar, fi * fh + 0.3 * fh + 1.4)) - rc.y,
                wy1 = pix(C.sy(Zfar, fi * fh + 0.3 * fh)) - rc.y;
      for (int64_t j = fl(X0 / ws) + 1; (double(j) + 0.7) * ws < X1; ++j) {
        const int wx0 = pix(C.sx(double(j) * ws, Zfar)) - rc.x,
                  wx1 = pix(C.sx(double(j) * ws + 0.45 * ws, Zfar)) - rc.x;
        const float v = h2(j, fi, hs);
        cv::rectangle(sub, cv::Point(wx0, wy0), cv::Point(wx1 - 1, wy1 - 1), sc(wc * (0.8f + 0.5f * v)), cv::FILLED);
      }
    }
  }
}

// Ground behind the facade line, seen through gaps: side-street asphalt or park lawn.
void StreetScene::Impl::drawBackGround(const Frame& F, const std::vector<Lot>& lots, cv::Mat& rgb, cv::Mat& lab) const {
  const Cam& C = F.cam;
  const uint32_t s0 = uint32_t(seed) ^ 0xBA6Du;
  for (int y = F.yFar; y < F.yBase; ++y) {
    const double Z = C.f * C.h / std::max(0.5, y + 0.5 - C.yh);
    const double dX = Z / C.f, X0 = C.x + (0.5 - C.cx) * dX;
    cv::Vec3b* out = rgb.ptr<cv::Vec3b>(y);
    uint8_t* lo = lab.ptr<uint8_t>(y);
    size_t li = 0;
    for (int x = 0; x < W; ++x) {
      const double X = X0 + x * dX;
      while (li + 1 < lots.size() && X > lots[li].X1) ++li;
      const bool park = !lots.empty() && lots[li].type == kLotPark && X >= lots[li].X0 && X <= lots[li].X1;
      const float n = h2(fl(X / std::max(0.03, dX)), y, s0);
      if (park) {
        out[x] = sat3(grassCol * (0.75f + 0.5f * n));
        lo[x] = kVeg;
      } else {
        out[x] = sat3(roadCol * (0.85f + 0.25f * n));
        lo[x] = kRoad;
      }
    }
  }
}

// Side walls of the buildings next to a gap, in perspective (they recede towards the horizon).
void StreetScene::Impl::drawSideWalls(const Frame& F, const std::vector<Lot>& lots, cv::Mat& rgb, cv::Mat& lab) const {
  const Cam& C = F.cam;
  for (size_t i = 0; i < lots.size(); ++i) {
    if (lots[i].type == kLotBuilding) continue;
    for (int side = 0; side < 2; ++side) {
      const size_t j = side == 0 ? i - 1 : i + 1;
      if ((side == 0 && i == 0) || j >= lots.size() || lots[j].type != kLotBuilding) continue;
      const double X = side == 0 ? lots[i].X0 : lots[i].X1;
      if ((side == 0 && C.x <= X) || (side == 1 && C.x >= X)) continue;  // wall faces away
      const Building B = building(lots[j]);
      const double Z2 = Zb + B.depth;
      const cv::Point2d pts[4] = {{C.sx(X, Zb), C.sy(Zb, kCurbH)},
                                  {C.sx(X, Zb), C.sy(Zb, kCurbH + B.Hb)},
                                  {C.sx(X, Z2), C.sy(Z2, kCurbH + B.Hb)},
                                  {C.sx(X, Z2), C.sy(Z2, 0.0)}};
      double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
      for (const auto& p : pts) {
        x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
      }
      PartMap pm(W, H, x0, y0, x1, y1);
      if (pm.empty()) continue;
      pm.poly({pts[0], pts[1], pts[2], pts[3]}, 1);
      // Per pixel: invert the projection on the plane X = const to get depth along
      // the wall and height, then draw floor lines and a window grid in perspective.
      const V3 wall = B.col * (0.62f * B.light), glass = mixc(B.glass, horizon, 0.2f) * B.light;
      composite(pm, rgb, lab, kBuilding, [&](uint8_t, int x, int y, V3& out) {
        const double dx = x + 0.5 - C.cx;
        const double Z = std::abs(dx) < 0.5 ? Zb : std::max(Zb, std::min(Z2, C.f * (X - C.x) / dx));
        const double ip = Z / C.f, v = C.h - (y + 0.5 - C.yh) * ip - kCurbH, along = Z - Zb;
        const double fv = frac(v / B.floorH), fa = frac(along / 2.6);
        const float n = h2(x, y, B.hs) - 0.5f;
        if (v > 1.0 && fv > 0.3 && fv < 0.78 && fa > 0.25 && fa < 0.7 && v < B.Hb - 0.6)
          out = glass * (1.f + 0.1f * n);
        else if (gridDist(v, B.floorH) < std::max(0.5 * ip, 0.03))
          out = wall * 0.85f;
        else
          out = wall * (1.f + 0.06f * n);
        out *= 1.f - 0.25f * float(along / B.depth);  // darker deeper into the gap
        return true;
      });
    }
  }
}

void StreetScene::Impl::drawBuilding(const Frame& F, const Building& B, cv::Mat& rgb, cv::Mat& lab) const {
  const Cam& C = F.cam;
  const cv::Rect frameR(0, 0, W, H);
  const int x0 = pix(C.sx(B.X0, Zb)), x1 = pix(C.sx(B.X1, Zb));
  const int y0 = pix(C.sy(Zb, kCurbH + B.Hb));
  // Roof furniture first (above the facade): chimneys and an antenna, as building pixels.
  Rng r(B.hs);
  for (int i = 0; i < B.chimneys; ++i) {
    const double u = r.r(0.5, std::max(0.6, B.X1 - B.X0 - 1.2)), w = r.r(0.5, 0.9), hc = r.r(0.8, 1.6);
    const cv::Rect cr = cv::Rect(cv::Point(pix(C.sx(B.X0 + u, Zb)), pix(C.sy(Zb, kCurbH + B.Hb + hc))),
                                 cv::Point(pix(C.sx(B.X0 + u + w, Zb)), y0)) &
                        frameR;
    if (cr.area() <= 0) continue;
    rgb(cr).setTo(sc(B.col * (0.8f * B.light)));
    lab(cr).setTo(kBuilding);
  }
  if (B.antenna) {
    const double u = r.r(1.0, std::max(1.1, B.X1 - B.X0 - 1.0));
    const cv::Point a(pix(C.sx(B.X0 + u, Zb)), y0 - 1), b(a.x, pix(C.sy(Zb, kCurbH + B.Hb + r.r(2, 4))));
    cv::line(rgb, a, b, cv::Scalar(60, 60, 62), 1, cv::LINE_8);
    cv::line(lab, a, b, cv::Scalar(kBuilding), 1, cv::LINE_8);
  }
  const cv::Rect rc = cv::Rect(cv::Point(x0, y0), cv::Point(x1, F.yBase)) & frameR;
  if (rc.area() <= 0) return;
  lab(rc).setTo(kBuilding);
  shadeFacade(F, B, rgb, rc);
  if (B.mat != kGlass) drawOpenings(F, B, rgb, rc);
}

// Facade material, per pixel in facade metres: bricks/blocks with 1-px mortar
// joints (only where the joints are resolvable), plaster with floor bands and
// stains, concrete panels, or a glass curtain wall with moving reflections.
void StreetScene::Impl::shadeFacade(const Frame& F, const Building& B, cv::Mat& rgb, const cv::Rect& r) const {
  const Cam& C = F.cam;
  const double ip = Zb / C.f;  // metres per pixel
  const bool resolvable = B.jh / ip >= 2.2;
  const double hw = std::max(0.5 * ip, B.jw);
  const double g = std::max(0.04, ip);
  const uint32_t hs = B.hs;
  for (int y = r.y; y < r.y + r.height; ++y) {
    const double v = C.h - kCurbH - (y + 0.5 - C.yh) * ip;  // height above the sidewalk
    const int64_t course = fl(v / B.jh);
    const bool rowJoint = resolvable && gridDist(v, B.jh) < hw;
    const double off = (B.stagger && (course & 1)) ? 0.5 * B.jl : 0.0;
    const float vShade =
        B.light * (1.f - 0.12f * sstep(1.5f, 0.f, float(v))) * (1.f - 0.06f * sstep(0.f, 25.f, float(v)));
    const float stainV = B.stain > 0 ? vnoise1(v / 3.0, hs + 7) : 0.f;
    const int64_t gv = fl(v / g);
    const double fv = v - double(course) * B.jh;  // height inside the current floor (glass)
    cv::Vec3b* row = rgb.ptr<cv::Vec3b>(y);
    for (int x = r.x; x < r.x + r.width; ++x) {
      const double u = C.x + (x + 0.5 - C.cx) * ip - B.X0;
      const float gr = h2(fl(u / g), gv, hs) - 0.5f;
      V3 c;
      if (B.mat == kGlass) {
        if (rowJoint || gridDist(u, B.jl) < hw) {
          c = B.joint * (1.f + 0.1f * gr);
        } else if (fv < 0.28 * B.floorH) {
          c = B.col * (0.55f + 0.05f * gr);  // opaque spandrel band
        } else {
          const float refl = vnoise1((u + 0.35 * v + 0.4 * C.x) / 5.0 + 13.0 * double(fl(u / B.jl)), hs + 3);
          c = mixc(B.col, horizon * 0.9f, 0.15f + 0.5f * refl) * (1.f + 0.04f * gr);
        }
      } else {
        const double uo = u + off;
        if (rowJoint || (resolvable && gridDist(uo, B.jl) < hw)) {
          c = B.joint * (1.f + 0.12f * gr);
        } else {
          const float tint = B.tint > 0 ? h2(fl(uo / B.jl), course, hs ^ 0x55u) - 0.5f : 0.f;
          const float stain = B.stain > 0 ? B.stain * (vnoise1(u / 2.5, hs + 9) * stainV - 0.25f) : 0.f;
          c = B.col * (1.f + B.tint * tint + B.grain * gr + stain);
        }
      }
      row[x] = sat3(c * vShade);
    }
  }
}

// Windows, doors, shop fronts, awnings, cornice and pipes, drawn on the facade
// sub-image (so nothing leaks outside the labelled rectangle).
void StreetScene::Impl::drawOpenings(const Frame& F, const Building& B, cv::Mat& rgb, const cv::Rect& rc) const {
  const Cam& C = F.cam;
  const double s = C.s(Zb), ip = 1.0 / s;
  cv::Mat sub = rgb(rc);
  const double W_ = B.X1 - B.X0;
  auto fp = [&](double u, double v) {
    return cv::Point(int(std::lround((C.sx(B.X0 + u, Zb) - rc.x) * 16)),
                     int(std::lround((C.sy(Zb, kCurbH + v) - rc.y) * 16)));
  };
  auto fill = [&](double u0, double v0, double u1, double v1, const V3& col) {
    cv::rectangle(sub, fp(u0, v1), fp(u1, v0), sc(col * B.light), cv::FILLED, cv::LINE_8, 4);
  };
  auto line = [&](double u0, double v0, double u1, double v1, const V3& col) {
    cv::line(sub, fp(u0, v0), fp(u1, v1), sc(col * B.light), 1, cv::LINE_8, 4);
  };
  const double fw = std::max(0.06, ip);  // frame width, at least a pixel
  const V3 curtain = V3(225, 220, 205);
  const V3 shutter = B.door * 1.2f;

  // One window: sill, frame, glass (sky reflection, lit interior or curtain), mullions, shutters.
  auto window = [&](double uc, double v0, double w, double h, int64_t key) {
    const double u0 = uc - 0.5 * w, u1 = uc + 0.5 * w, v1 = v0 + h;
    const float hv = h2(key, 17, B.hs);
    V3 glass = mixc(B.glass, horizon, 0.12f + 0.3f * h2(key, 3, B.hs));
    if (hv < 0.07f) glass = V3(200, 170, 110);
    if (w * s < 2.5) {
      fill(u0, v0, u1, v1, glass);
      return;
    }
    if (B.shutters && w * s >= 4) {
      for (double su : {u0 - 0.5 * w, u1}) {
        fill(su, v0, su + 0.5 * w, v1, shutter);
        if (0.08 * s >= 2)
          for (double sv = v0 + 0.08; sv < v1; sv += 0.08) line(su, sv, su + 0.5 * w, sv, shutter * 0.7f);
      }
    }
    fill(u0 - 0.08, v0 - 0.1, u1 + 0.08, v0, B.trim);  // sill
    fill(u0, v0, u1, v1, B.frame);
    fill(u0 + fw, v0 + fw, u1 - fw, v1 - fw, glass);
    if (hv > 0.7f) fill(u0 + fw, v1 - fw - 0.45 * h, u1 - fw, v1 - fw, curtain * (0.85f + 0.15f * hv));
    if (B.winStyle >= 1) fill(uc - 0.5 * fw, v0, uc + 0.5 * fw, v1, B.frame);
    if (B.winStyle == 2) fill(u0, v0 + 0.62 * h - 0.5 * fw, u1, v0 + 0.62 * h + 0.5 * fw, B.frame);
    if (w * s >= 8 && hv < 0.7f)  // a faint reflection streak
      line(u0 + fw + 0.1 * w, v0 + fw + 0.1 * h, u0 + 0.45 * w, v1 - fw - 0.1 * h, mixc(glass, horizon, 0.5f));
  };

  const double usable = W_ - 2 * B.margin;
  const double sp = usable / B.nCols;
  if (!B.shop) fill(0, 0, W_, 0.45, B.col * 0.75f);  // plinth
  for (int fi = 0;; ++fi) {
    const double base = B.groundH + fi * B.floorH;
    if (base + 0.85 + B.winH > B.Hb - 0.4) break;
    for (int j = 0; j < B.nCols; ++j) window(B.margin + (j + 0.5) * sp, base + 0.85, B.winW, B.winH, fi * 64 + j + 64);
  }
  // Ground floor.
  Rng r(B.hs ^ 0x6F);
  if (B.shop) {
    const double signLo = B.groundH - 0.95, signHi = B.groundH - 0.35;
    fill(0.2, signLo, W_ - 0.2, signHi, B.sign);
    if ((signHi - signLo) * s >= 4) {  // lettering as small blocks
      const V3 ink = B.sign[0] + B.sign[1] + B.sign[2] > 300 ? V3(30, 30, 35) : V3(240, 235, 220);
      double u = 0.6 + r.r(0, 1.5);
      const double end = std::min(W_ - 0.6, u + r.r(2.5, 6.0));
      while (u < end) {
        const double lw = r.r(0.12, 0.3);
        fill(u, signLo + 0.15, u + lw, signHi - 0.15, ink);
        u += lw + (r.p(0.2) ? 0.3 : 0.07);
      }
    }
    const int nSeg = std::max(1, int(W_ / 3.0));
    const int doorSeg = r.i(nSeg);
    const double segW = W_ / nSeg;
    for (int k = 0; k < nSeg; ++k) {
      const double a = k * segW + 0.25, b = (k + 1) * segW - 0.25;
      fill(a - 0.1, 0, b + 0.1, signLo - 0.05, V3(45, 45, 48));  // shop-front frame
      const V3 glass = mixc(V3(30, 34, 40), horizon, 0.2f + 0.15f * h2(k, 5, B.hs));
      if (k == doorSeg) {
        fill(a + 0.3, 0.02, a + 1.3, 2.3, mixc(glass, B.door, 0.3f));
        fill(a + 1.45, 0.45, b, signLo - 0.15, glass);
      } else {
        fill(a, 0.45, b, signLo - 0.15, glass);
        if (segW * s >= 12) {  // goods on display: a few coloured blocks
          for (int q = 0; q < 3; ++q) {
            const double qa = a + (b - a) * (0.1 + 0.3 * q), qh = 0.4 + 0.8 * h2(k, q, B.hs);
            fill(qa, 0.5, qa + 0.25 * (b - a), 0.5 + qh, V3(90, 60, 50) + V3(120, 90, 80) * h2(q, k, B.hs + 1));
          }
        }
      }
    }
    if (B.awning) {  // striped fabric awning
      const double ah = signLo - 0.05, sw = r.r(0.22, 0.4);
      for (double u = 0.1; u < W_ - 0.1; u += sw) {
        const bool alt = int64_t(std::lround((u - 0.1) / sw)) % 2;
        fill(u, ah - 0.7, std::min(u + sw, W_ - 0.1), ah, alt ? B.aw2 : B.aw1);
      }
      fill(0.1, ah - 0.75, W_ - 0.1, ah - 0.68, B.aw1 * 0.6f);
    }
  } else {
    const int doorCol = r.i(B.nCols);
    for (int j = 0; j < B.nCols; ++j) {
      const double uc = B.margin + (j + 0.5) * sp;
      if (j == doorCol) {
        fill(uc - 0.65, 0.0, uc + 0.65, 2.45, B.trim);
        fill(uc - 0.55, 0.0, uc + 0.55, 2.35, B.door);
        if (0.05 * s >= 1) line(uc, 0.1, uc, 2.3, B.door * 0.6f);
      } else {
        window(uc, 0.9, B.winW, B.winH, j);
      }
    }
  }
  fill(0, B.Hb - 0.35, W_, B.Hb, B.trim);  // cornice
  fill(0, B.Hb - 0.55, W_, B.Hb - 0.47, B.trim * 0.9f);
  if (B.pipe) fill(0.12, 0.0, 0.22, B.Hb - 0.2, V3(70, 72, 75));
}

// Ground: far sidewalk, curb face, road, near sidewalk. Per row the depth is
// fixed, so markings and tile joints along X are row tests and joints across X
// are 1-px column tests. Textures live in world coordinates and move with the pan.
void StreetScene::Impl::drawGround(const Frame& F, const GroundShadows& SS, cv::Mat& rgb, cv::Mat& lab) const {
  const Cam& C = F.cam;
  const uint32_t s0 = uint32_t(seed >> 7) ^ 0x9A0Du;
  std::vector<float> sunF(W), occ(W);
  for (int y = F.yBase; y < H; ++y) {
    const int zone = y < F.yCurb ? 0 : y < F.yRoad ? 1 : y < F.yNear ? 2 : 3;  // far walk, curb, road, near walk
    const double hsurf = zone == 2 ? 0.0 : kCurbH;
    double Z, Zlo, Zhi;
    if (zone == 1) {
      Z = Zlo = Zhi = Zs;
    } else {
      Z = C.f * (C.h - hsurf) / std::max(0.5, y + 0.5 - C.yh);
      Zhi = C.f * (C.h - hsurf) / std::max(0.25, y - C.yh);
      Zlo = C.f * (C.h - hsurf) / (y + 1.0 - C.yh);
    }
    if (zone == 0) Z = std::min(std::max(Z, Zs), Zb);
    if (zone == 2) Z = std::min(std::max(Z, Zn), Zs);
    const double dX = Z / C.f, X0 = C.x + (0.5 - C.cx) * dX;
    lab.row(y).setTo(zone == 2 ? kRoad : kSidewalk);

    // Shadows on this row.
    std::fill(sunF.begin(), sunF.end(), 1.f);
    std::fill(occ.begin(), occ.end(), 1.f);
    if (sun == 1 && zone != 1) {
      const double d = Zb - Z;
      for (int x = 0; x < W; ++x) {
        if (shK * SS.heightAt(X0 + x * dX + shSkew * d) > d) sunF[x] = float(shDark);
      }
    }
    for (const Shadow& S : SS.all) {
      const double dz = (Z - S.Z) / S.rz;
      if (std::abs(dz) >= 1.0) continue;
      const double half = S.rx * std::sqrt(1.0 - dz * dz);
      const int c0 = std::max(0, int(std::floor(C.sx(S.X - half, Z)))),
                c1 = std::min(W - 1, int(std::ceil(C.sx(S.X + half, Z))));
      for (int x = c0; x <= c1; ++x) {
        const double ex = (X0 + x * dX - S.X) / S.rx;
        const double q = ex * ex + dz * dz;
        if (q >= 1.0) continue;
        if (S.sun) {
          // Sun flecks: blobs of smooth noise let light through the crown.
          const double X = X0 + x * dX;
          const float fleck = sstep(0.55f, 0.7f, vnoise2p(X / 0.35, Z / 0.35, int64_t(1) << 40, s0 + 5));
          sunF[x] = std::min(sunF[x], 1.f - S.strength * (1.f - 0.7f * fleck) * sstep(1.f, 0.75f, float(q)));
        } else {
          occ[x] *= 1.f - S.strength * float(1.0 - q);
        }
      }
    }

    cv::Vec3b* out = rgb.ptr<cv::Vec3b>(y);
    if (zone == 1) {  // curb face: concrete with a light rounded top and joints every metre
      const double v = C.h - (y + 0.5 - C.yh) * Zs / C.f;
      const float top = v > 0.11 ? 1.15f : 1.f;
      for (int x = 0; x < W; ++x) {
        const double X = X0 + x * dX;
        const float n = h2(fl(X / std::max(0.02, dX)), y, s0 + 1) - 0.5f;
        const bool joint = gridDist(X, 1.0) < std::max(0.5 * dX, 0.008);
        const V3 c = joint ? curbCol * 0.6f : curbCol * (top * (1.f + 0.12f * n));
        out[x] = sat3(c * (sunF[x] * occ[x]));
      }
    } else if (zone == 2) {  // asphalt
      const double mhw = 0.06;
      auto onRow = [&](double zm) { return Zlo < zm + mhw && Zhi > zm - mhw; };
      const bool centre = onRow(centreZ);
      const bool edge = edgeLines && (onRow(Zn + 0.35) || onRow(Zs - 0.35));
      const bool zebraRow = frac(Z / 1.0) < 0.5;
      const bool gutter = Z > Zs - gutterW || Z < Zn + 0.5 * gutterW;
      float track = 1.f;
      for (double tz : tracks) track -= 0.07f * sstep(0.5f, 0.f, float(std::abs(Z - tz)));
      const float rowPatch = vnoise1(Z / 2.5, s0 + 2);
      const double g = std::max(0.02, dX);
      const int64_t gz = fl(Z / g);
      for (int x = 0; x < W; ++x) {
        const double X = X0 + x * dX;
        const float n = h2(fl(X / g), gz, s0 + 3);
        const float patch = vnoise1(X / 6.0, s0 + 4) * rowPatch;
        V3 c = roadCol * (0.92f + 0.26f * (n - 0.5f) + 0.16f * (patch - 0.25f)) * track;
        if (n > 0.985f) c *= 1.35f;  // light aggregate
        if (gutter) c = mixc(c, curbCol * (0.8f + 0.2f * n), 0.5f);
        const float wear = h2(fl(X / 0.05), gz, s0 + 6);
        bool mark = false;
        V3 mc = markCol;
        if (centre && frac(X / dashLen) < dashDuty) {
          mark = true;
          mc = centreCol;
        }
        if (edge) mark = true;
        if (zebraRow && !gutter) {
          const int64_t kx = fl(X / crossEvery);
          if (u01(hkey(seed, 0xC055, uint64_t(kx))) < crossProb && X - double(kx) * crossEvery < 3.5) mark = true;
        }
        if (mark && wear > 0.12f) c = mc * (0.82f + 0.2f * n);
        out[x] = sat3(c * (sunF[x] * occ[x]));
      }
    } else {  // paving: tiles or small staggered pavers with 1-px joints
      const bool rowJoint = gridDist(Z, tileW) < std::max(0.5 * (Zhi - Zlo), 0.006);
      const int64_t course = fl(Z / tileW);
      const double off = (pavers && (course & 1)) ? 0.5 * tileL : 0.0;
      const double g = std::max(0.015, dX);
      const int64_t gz = fl(Z / g);
      const double jhw = std::max(0.5 * dX, 0.006);
      for (int x = 0; x < W; ++x) {
        const double X = X0 + x * dX;
        const double Xo = X + off;
        const float n = h2(fl(X / g), gz, s0 + 7) - 0.5f;
        V3 c;
        if (rowJoint || gridDist(Xo, tileL) < jhw) {
          c = walkJoint * (1.f + 0.15f * n);
        } else {
          const float tint = h2(fl(Xo / tileL), course, s0 + 8) - 0.5f;
          c = walkCol * (1.f + 0.14f * tint + 0.12f * n);
          if (n > 0.492f) c *= 0.75f;  // specks
        }
        out[x] = sat3(c * (sunF[x] * occ[x]));
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Vegetation.

bool StreetScene::Impl::leaf(double u, double v, double R, double s, uint32_t hs, float holeBase, V3& out) const {
  // Leaf clumps of ~5 cm (never below ~1 px): two lattices, one rotated, are
  // averaged so the speckle is irregular rather than a grid of squares.
  const double cs = std::max(0.05, 1.2 / s);
  const double a = u / cs, b = v / cs, ra = 0.8 * a + 0.6 * b + 0.5, rb = 0.8 * b - 0.6 * a + 0.5;
  const float nA = h2(fl(a), fl(b), hs), nB = h2(fl(ra), fl(rb), hs + 3);
  const float n1 = 0.5f * (nA + nB);
  const float n2 = 0.5f * (h2(fl(a / 4), fl(b / 4), hs + 1) + h2(fl(ra / 5), fl(rb / 5), hs + 4));  // clusters
  const float n3 = h2(fl(ra), fl(rb), hs + 2);
  const float rr = float(std::sqrt(u * u + v * v) / R);
  const float holeP = holeBase + 0.6f * sstep(0.6f, 1.15f, rr);
  if (n3 < holeP * (0.5f + n2)) return false;
  const float light = 0.72f + 0.28f * clampf(float(v / R), -1.f, 1.f) + 0.3f * (n2 - 0.5f);
  V3 c = leafBase * ((0.35f + 0.95f * n1) * light);
  if (autumn && n2 > 0.55f) c = mixc(c, V3(200, 110, 30) * light, 0.6f);
  if (nA > 0.97f && v > 0) c = mixc(c, V3(190, 210, 120), 0.25f);  // sunlit leaves
  out = c;
  return true;
}

void StreetScene::Impl::drawTree(const Frame& F, const Obj& o, cv::Mat& rgb, cv::Mat& lab) const {
  const TreeShape T = treeShape(o);
  const Cam& C = F.cam;
  const double s = C.s(o.Z);
  const double bx = C.sx(o.X, o.Z), by = C.sy(o.Z, o.gy);
  Rng r(o.h ^ 0xB10B);
  const double swayT = r.r(2.5, 4.5), swayPh = r.r(0, 6.3);
  const double sway = 0.04 * T.R * std::sin(2 * kPi * F.time / swayT + swayPh);
  const double cx = bx + sway * s, cy = by - T.hc * s;
  PartMap pm(W, H, cx - 1.5 * T.R * s, cy - 1.4 * T.R * s, cx + 1.5 * T.R * s, by + 1);
  if (pm.empty()) return;
  const double tw = T.trunkW * s;
  pm.poly({{bx - 0.5 * tw, by}, {bx + 0.5 * tw, by}, {cx + 0.3 * tw, cy}, {cx - 0.3 * tw, cy}}, 1);
  for (int i = 0; i < 3; ++i) {  // branches into the crown
    const double a = r.r(-2.4, -0.7);
    pm.capsule({cx, cy + 0.25 * T.R * s}, {cx + std::cos(a) * 0.8 * T.R * s, cy + std::sin(a) * 0.7 * T.R * s},
               0.35 * tw, 1);
  }
  pm.disc({cx, cy}, 0.72 * T.R * s, 2);
  const int nb = 5 + r.i(5);
  for (int i = 0; i < nb; ++i) {
    const double a = r.r(0, 2 * kPi), d = r.r(0.2, 0.6) * T.R;
    pm.disc({cx + std::cos(a) * d * 1.1 * s, cy + std::sin(a) * d * 0.8 * s}, r.r(0.4, 0.65) * T.R * s, 2);
  }
  const V3 bark = V3(95, 78, 62) * float(r.r(0.7, 1.1));
  const uint32_t hs = r.u32();
  const float holes = float(r.r(0.0, 0.05));
  composite(
      pm, rgb, lab, kVeg,
      [&](uint8_t id, int x, int y, V3& out) {
        const double u = (x + 0.5 - cx) / s, v = (cy - y - 0.5) / s;
        if (id == 1) {
          const float n = h2(fl(u / std::max(0.04, 1.0 / s)), fl(v / std::max(0.25, 1.0 / s)), hs + 5);
          const float side =
              float(0.75 + 0.35 * std::cos(std::min(1.5, std::abs(x + 0.5 - bx) / std::max(1.0, 0.5 * tw))));
          out = bark * ((0.75f + 0.4f * n) * side);
          return true;
        }
        return leaf(u, v, T.R, s, hs, holes, out);
      },
      o.lit);
}

void StreetScene::Impl::drawHedge(const Frame& F, const Obj& o, cv::Mat& rgb, cv::Mat& lab) const {
  const Cam& C = F.cam;
  const double s = C.s(o.Z);
  Rng r(o.h);
  const double hh = r.r(0.7, 1.4), half = 0.5 * o.size;
  const double x0 = C.sx(o.X - half, o.Z), x1 = C.sx(o.X + half, o.Z), by = C.sy(o.Z, o.gy), ty = C.sy(o.Z, o.gy + hh);
  PartMap pm(W, H, x0 - 0.3 * s, ty - 0.3 * s, x1 + 0.3 * s, by);
  if (pm.empty()) return;
  pm.poly({{x0, by - 0.5}, {x1, by - 0.5}, {x1, ty + 0.2 * s}, {x0, ty + 0.2 * s}}, 2);
  for (double u = -half; u <= half; u += 0.35) pm.disc({C.sx(o.X + u, o.Z), ty + 0.2 * s}, r.r(0.18, 0.3) * s, 2);
  const uint32_t hs = r.u32();
  const double cyv = o.gy + 0.5 * hh;
  composite(
      pm, rgb, lab, kVeg,
      [&](uint8_t, int x, int y, V3& out) {
        const double u = (x + 0.5 - C.sx(o.X, o.Z)) / s, v = C.h - (y + 0.5 - C.yh) / s - cyv;
        leaf(u, v, 1e9, s, hs, 0.0f, out);  // huge radius: no see-through holes in a hedge
        out *= 0.8f;
        return true;
      },
      o.lit);
}

// Street lamp / plain post with a metallic cylinder shading.
void StreetScene::Impl::drawPole(const Frame& F, const Obj& o, cv::Mat& rgb, cv::Mat& lab) const {
  const Cam& C = F.cam;
  const double s = C.s(o.Z);
  Rng r(o.h);
  const bool lamp = r.p(0.75);
  const double hp = lamp ? r.r(5.5, 8.0) : r.r(2.6, 3.6);
  const double r0 = r.r(0.06, 0.1), r1 = r0 * r.r(0.5, 0.8);
  const double bx = C.sx(o.X, o.Z), by = C.sy(o.Z, o.gy), ty = C.sy(o.Z, o.gy + hp);
  const double armZ = o.Z + (o.Z < Zs ? 1.0 : -1.0) * r.r(1.2, 2.0);  // lamp arm reaches over the road
  const cv::Point2d a(bx, C.sy(o.Z, o.gy + hp - 0.25)), b(C.sx(o.X, armZ), C.sy(armZ, o.gy + hp + 0.2));
  PartMap pm(W, H, std::min({bx, b.x}) - 0.5 * s, std::min(ty, b.y) - 0.3 * s, std::max(bx, b.x) + 0.5 * s, by + 1);
  if (pm.empty()) return;
  pm.poly({{bx - r0 * s, by}, {bx + r0 * s, by}, {bx + r1 * s, ty}, {bx - r1 * s, ty}}, 1);
  pm.poly({{bx - 1.6 * r0 * s, by},
           {bx + 1.6 * r0 * s, by},
           {bx + 1.6 * r0 * s, by - 0.5 * s},
           {bx - 1.6 * r0 * s, by - 0.5 * s}},
          1);
  if (lamp) {
    const double sb = C.s(armZ);
    pm.capsule(a, b, std::max(0.5, 1.6 * r1 * 0.5 * (s + sb)), 1);
    pm.poly({{b.x - 0.28 * sb, b.y},
             {b.x + 0.28 * sb, b.y},
             {b.x + 0.18 * sb, b.y + 0.14 * sb},
             {b.x - 0.18 * sb, b.y + 0.14 * sb}},
            2);
  }
  const V3 paint = r.col({{60, 62, 64}, {40, 60, 50}, {120, 122, 125}, {30, 30, 32}}, 0.05);
  const uint32_t hs = r.u32();
  composite(
      pm, rgb, lab, kPole,
      [&](uint8_t id, int x, int y, V3& out) {
        if (id == 2) {
          out = V3(215, 215, 200);
          return true;
        }
        const double t = (x + 0.5 - bx) / std::max(0.7, r0 * s);
        const float shade = float(0.7 + 0.5 * std::cos(std::max(-1.5, std::min(1.5, t * 1.2 - 0.45))));
        out = paint * (shade * (0.92f + 0.16f * h2(x, fl(y / 3.0), hs)));
        return true;
      },
      o.lit);
}

// Pedestrian in side view: swinging legs/arms (gait from distance walked),
// clothing with fabric patterns, far-side limbs darker.
void StreetScene::Impl::drawPerson(const Frame& F, const Obj& o, cv::Mat& rgb, cv::Mat& lab) const {
  enum : uint8_t { kSkin = 1, kHair, kTop, kBottom, kShoe, kBag, kFar = 8 };
  Rng r(o.h);
  const double hp = r.p(0.1) ? r.r(1.1, 1.35) : r.r(1.55, 1.92);
  const double wf = r.r(0.9, 1.2) * hp / 1.75;
  const V3 skin = r.col({{240, 200, 170}, {225, 175, 140}, {195, 140, 105}, {150, 100, 70}, {100, 70, 50}}, 0.03);
  const V3 hair = r.col({{30, 25, 20}, {70, 50, 35}, {120, 90, 60}, {200, 170, 110}, {160, 160, 155}}, 0.05);
  const std::vector<V3> clothes = {{200, 40, 40},  {40, 60, 140},   {240, 240, 235}, {30, 30, 35},   {90, 120, 60},
                                   {230, 190, 60}, {120, 120, 125}, {180, 90, 140},  {70, 150, 170}, {200, 120, 60},
                                   {150, 30, 40},  {60, 40, 90},    {245, 150, 160}, {20, 90, 90}};
  const V3 top = r.col(clothes, 0.05), top2 = r.col(clothes, 0.05);
  const int pattern = r.i(5);  // plain, horizontal stripes, pinstripes, checks, dots
  const double period = r.r(0.04, 0.12);
  const int lower = r.i(4);  // 0 jeans, 1 trousers, 2 skirt, 3 shorts
  const V3 bottom = lower == 0
                        ? r.col({{50, 70, 110}, {40, 50, 80}, {70, 90, 130}}, 0.05)
                        : r.col({{30, 30, 32}, {150, 135, 100}, {90, 90, 95}, {110, 60, 50}, {60, 60, 80}}, 0.05);
  const V3 shoe = r.col({{25, 25, 25}, {230, 230, 230}, {90, 60, 40}, {60, 60, 70}}, 0.05);
  const int bag = r.i(4);  // 0/1 none, 2 backpack, 3 handbag
  const V3 bagCol = r.col({{40, 40, 45}, {120, 70, 40}, {30, 60, 120}, {150, 30, 40}}, 0.05);
  const bool coat = r.p(0.2);
  const uint32_t hs = r.u32();

  const Cam& C = F.cam;
  const double s = C.s(o.Z), d = o.dir;
  const double bx = C.sx(o.X, o.Z), by = C.sy(o.Z, o.gy);
  PartMap pm(W, H, bx - 0.75 * s, by - (hp + 0.1) * s, bx + 0.75 * s, by + 0.1 * s);
  if (pm.empty()) return;
  auto Q = [&](double u, double v) { return cv::Point2d(bx + d * u * s, by - v * s); };
  const bool walking = o.size > 0;
  const double psi = walking ? 2 * kPi * o.dist / (1.3 * hp) : 0.0;
  const double swing = walking ? 0.42 : 0.03;

  auto leg = [&](double ph, uint8_t off) {
    const double th = swing * std::sin(ph);
    const double bend = walking ? 0.55 * std::max(0.0, std::sin(ph + 1.3)) : 0.02;
    const double hx = 0.0, hy = 0.51 * hp;
    const double kx = hx + std::sin(th) * 0.245 * hp, ky = hy - std::cos(th) * 0.245 * hp;
    const double ts = th - bend;
    const double ax = kx + std::sin(ts) * 0.235 * hp, ay = ky - std::cos(ts) * 0.235 * hp;
    const double lw = 0.13 * wf;
    pm.capsule(Q(hx, hy), Q(kx, ky), lw * 1.15 * s, uint8_t(kBottom + off));
    pm.capsule(Q(kx, ky), Q(ax, ay), lw * 0.9 * s, uint8_t((lower == 3 ? kSkin : kBottom) + off));
    pm.capsule(Q(ax - 0.03, ay - 0.01), Q(ax + 0.14 * wf, ay - 0.03), 0.075 * wf * s, uint8_t(kShoe + off));
  };
  auto arm = [&](double ph, uint8_t off) {
    const double a = -0.35 * swing / 0.42 * std::sin(ph);
    const double sx = 0.0, sy = 0.80 * hp;
    const double ex = sx + std::sin(a) * 0.18 * hp, ey = sy - std::cos(a) * 0.18 * hp;
    const double fa = a + 0.25;
    const double wx = ex + std::sin(fa) * 0.16 * hp, wy = ey - std::cos(fa) * 0.16 * hp;
    pm.capsule(Q(sx, sy), Q(ex, ey), 0.085 * wf * s, uint8_t(kTop + off));
    pm.capsule(Q(ex, ey), Q(wx, wy), 0.075 * wf * s, uint8_t((coat ? kTop : kSkin) + off));
    pm.disc(Q(wx + 0.01, wy - 0.03), 0.045 * wf * s, uint8_t(kSkin + off));
    if (bag == 3 && off == 0)
      pm.poly({Q(wx - 0.12, wy - 0.02), Q(wx + 0.12, wy - 0.02), Q(wx + 0.13, wy - 0.26), Q(wx - 0.13, wy - 0.26)},
              kBag);
  };

  arm(psi + kPi, kFar);
  leg(psi + kPi, kFar);
  if (bag == 2)
    pm.poly({Q(-0.12 * wf, 0.58 * hp), Q(-0.3 * wf, 0.6 * hp), Q(-0.3 * wf, 0.78 * hp), Q(-0.1 * wf, 0.8 * hp)}, kBag);
  leg(psi, 0);
  pm.poly({Q(-0.13 * wf, 0.47 * hp), Q(0.12 * wf, 0.47 * hp), Q(0.13 * wf, 0.56 * hp), Q(-0.13 * wf, 0.56 * hp)},
          kBottom);
  if (lower == 2)
    pm.poly({Q(-0.14 * wf, 0.55 * hp), Q(0.14 * wf, 0.55 * hp), Q(0.2 * wf, 0.33 * hp), Q(-0.2 * wf, 0.33 * hp)},
            kBottom);
  const double coatLo = coat ? 0.36 * hp : 0.53 * hp;
  pm.poly({Q(-0.13 * wf, coatLo), Q(0.13 * wf, coatLo), Q(0.14 * wf, 0.79 * hp), Q(-0.12 * wf, 0.82 * hp)}, kTop);
  pm.disc(Q(0.0, 0.79 * hp), 0.125 * wf * s, kTop);
  arm(psi, 0);
  pm.capsule(Q(0.01, 0.83 * hp), Q(0.02, 0.88 * hp), 0.09 * wf * s, kSkin);
  const double hr = 0.065 * hp;
  pm.disc(Q(0.025, 0.935 * hp), hr * s, kSkin);
  pm.disc(Q(-0.005, 0.95 * hp), 0.95 * hr * s, kHair);
  pm.disc(Q(0.035, 0.93 * hp), 0.8 * hr * s, kSkin);  // face in front of the hair

  composite(
      pm, rgb, lab, kPerson,
      [&](uint8_t id, int x, int y, V3& out) {
        const bool far = id > kFar;
        const uint8_t p = far ? uint8_t(id - kFar) : id;
        const double u = d * (x + 0.5 - bx) / s, v = (by - y - 0.5) / s;
        const double g = std::max(0.012, 1.0 / s);
        const float n = h2(fl(u / g), fl(v / g), hs) - 0.5f;
        V3 c;
        switch (p) {
          case kSkin:
            c = skin * (1.f + 0.05f * n);
            break;
          case kHair:
            c = hair * (1.f + 0.3f * n);
            break;
          case kTop: {
            const double uu = u + 3.0, vv = v;
            switch (pattern) {
              case 1:
                c = frac(vv / period) < 0.5 ? top : top2;
                break;
              case 2:
                c = frac(uu / (0.5 * period)) < 0.3 ? top2 : top;
                break;
              case 3:
                c = mixc(top, top2, 0.5f * float((frac(uu / period) < 0.5) + (frac(vv / period) < 0.5)));
                break;
              case 4:
                c = (gridDist(uu, period) < 0.012 && gridDist(vv, period) < 0.012) ? top2 : top;
                break;
              default:
                c = top;
                break;
            }
            c *= 1.f + 0.08f * n;
            break;
          }
          case kBottom:
            c = bottom * (1.f + (lower == 0 ? 0.28f : 0.1f) * n);
            break;
          case kShoe:
            c = shoe * (1.f + 0.1f * n);
            break;
          default:
            c = bagCol * (1.f + 0.1f * n);
            break;
        }
        out = c * ((0.8f + 0.25f * float(v / hp)) * (far ? 0.7f : 1.f));
        return true;
      },
      o.lit);
}

// Car in side view: body profile by type, side glass with sliding reflections,
// wheels with rotating spokes, lights, trim and door lines.
void StreetScene::Impl::drawCar(const Frame& F, const Obj& o, cv::Mat& rgb, cv::Mat& lab) const {
  enum : uint8_t { kBody = 1, kGlassP, kTyre, kRim, kHead, kTail, kTrim };
  const CarShape S = carShape(o);
  const Cam& C = F.cam;
  const double s = C.s(o.Z), d = o.dir, L = S.L, Hc = S.Hc;
  const double bx = C.sx(o.X, o.Z), by = C.sy(o.Z, o.gy);
  PartMap pm(W, H, bx - (0.5 * L + 0.2) * s, by - (Hc + 0.1) * s, bx + (0.5 * L + 0.2) * s, by + 1);
  if (pm.empty()) return;
  auto Q = [&](double u, double v) { return cv::Point2d(bx + d * (u - 0.5 * L) * s, by - v * s); };
  std::vector<cv::Point2d> body, glass;
  auto P = [&](std::vector<cv::Point2d>& v, std::initializer_list<std::pair<double, double>> pts) {
    for (const auto& p : pts) v.push_back(Q(p.first, p.second));
  };
  switch (S.type) {
    case 0:
      P(body, {{0.05, 0.22},
               {0.0, 0.5},
               {0.04, 0.8},
               {0.12, 0.93},
               {0.85, 0.97},
               {1.45, Hc},
               {L - 2.05, Hc},
               {L - 1.25, 1.0},
               {L - 0.25, 0.86},
               {L - 0.02, 0.72},
               {L, 0.45},
               {L - 0.06, 0.22}});
      P(glass, {{1.0, 1.0}, {1.52, Hc - 0.07}, {L - 2.08, Hc - 0.07}, {L - 1.33, 1.02}});
      break;
    case 1:
      P(body, {{0.05, 0.22},
               {0.0, 0.5},
               {0.02, 0.95},
               {0.12, Hc - 0.08},
               {0.3, Hc},
               {L - 1.75, Hc},
               {L - 0.98, 1.0},
               {L - 0.2, 0.86},
               {L - 0.02, 0.7},
               {L, 0.45},
               {L - 0.06, 0.22}});
      P(glass, {{0.3, 1.02}, {0.38, Hc - 0.07}, {L - 1.8, Hc - 0.07}, {L - 1.05, 1.03}});
      break;
    case 2:
      P(body, {{0.05, 0.25},
               {0.0, 0.55},
               {0.02, 1.1},
               {0.1, Hc - 0.08},
               {0.25, Hc},
               {L - 1.7, Hc},
               {L - 1.0, 1.17},
               {L - 0.15, 1.0},
               {L, 0.8},
               {L, 0.45},
               {L - 0.06, 0.25}});
      P(glass, {{0.28, 1.19}, {0.33, Hc - 0.08}, {L - 1.75, Hc - 0.08}, {L - 1.08, 1.2}});
      break;
    default:
      P(body, {{0.05, 0.25},
               {0.0, 0.5},
               {0.0, Hc - 0.1},
               {0.1, Hc},
               {L - 1.3, Hc},
               {L - 0.6, 1.3},
               {L - 0.1, 1.05},
               {L, 0.75},
               {L, 0.45},
               {L - 0.06, 0.25}});
      P(glass, {{L - 1.7, 1.27}, {L - 1.7, Hc - 0.15}, {L - 1.32, Hc - 0.15}, {L - 0.72, 1.3}});
      break;
  }
  pm.poly(body, kBody);
  pm.poly(glass, kGlassP);
  const double gu0 = S.type == 3 ? L - 1.7 : (S.type == 0 ? 1.0 : 0.3),
               gu1 = S.type == 3 ? L - 0.72 : L - (S.type == 0 ? 1.33 : 1.05);
  const double um = 0.5 * (gu0 + gu1);
  if (S.type != 3) pm.poly({Q(um - 0.05, S.belt), Q(um + 0.05, S.belt), Q(um + 0.05, Hc), Q(um - 0.05, Hc)}, kBody);
  // Door lines and handles.
  pm.line(Q(um, 0.3), Q(um, S.belt), kTrim);
  pm.line(Q(gu1 + 0.1, 0.35), Q(gu1 + 0.05, S.belt), kTrim);
  if (S.type != 3) pm.line(Q(gu0 + 0.05, 0.35), Q(gu0, S.belt), kTrim);
  pm.poly({Q(um - 0.35, S.belt - 0.13), Q(um - 0.18, S.belt - 0.13), Q(um - 0.18, S.belt - 0.09),
           Q(um - 0.35, S.belt - 0.09)},
          kTrim);
  pm.poly({Q(gu1 - 0.3, S.belt - 0.13), Q(gu1 - 0.13, S.belt - 0.13), Q(gu1 - 0.13, S.belt - 0.09),
           Q(gu1 - 0.3, S.belt - 0.09)},
          kTrim);
  // Bumpers, sill, lights.
  pm.poly({Q(-0.01, 0.3), Q(0.35, 0.3), Q(0.35, 0.46), Q(-0.01, 0.46)}, kTrim);
  pm.poly({Q(L - 0.35, 0.3), Q(L + 0.01, 0.3), Q(L + 0.01, 0.46), Q(L - 0.35, 0.46)}, kTrim);
  pm.poly({Q(0.9, 0.22), Q(L - 0.9, 0.22), Q(L - 0.9, 0.3), Q(0.9, 0.3)}, kTrim);
  pm.poly({Q(0.0, 0.72), Q(0.12, 0.72), Q(0.12, 0.86), Q(0.02, 0.86)}, kTail);
  pm.poly({Q(L - 0.16, 0.62), Q(L - 0.01, 0.62), Q(L - 0.03, 0.74), Q(L - 0.16, 0.74)}, kHead);
  // Wheels: arch, tyre, rim, rotating spokes, hub.
  const double wr = S.wr, rot = d * o.dist / wr;
  for (double wu : {0.85, L - 0.92}) {
    const cv::Point2d c = Q(wu, wr);
    pm.disc(c, (wr + 0.06) * s, kTrim);
    pm.disc(Q(wu, wr), wr * s, kTyre);
    pm.disc(c, 0.6 * wr * s, kRim);
    if (wr * s >= 6)
      for (int k = 0; k < 5; ++k) {
        const double a = rot + k * 2 * kPi / 5;
        pm.line(c, c + cv::Point2d(std::cos(a), std::sin(a)) * (0.55 * wr * s), kTyre);
      }
    pm.disc(c, 0.15 * wr * s, kTrim);
  }
  const V3 paint = S.paint;
  const uint32_t hs = uint32_t(o.h >> 20);
  composite(
      pm, rgb, lab, kCar,
      [&](uint8_t id, int x, int y, V3& out) {
        const double v = (by - y - 0.5) / s, u = 0.5 * L + d * (x + 0.5 - bx) / s;
        const float n = h2(x, y, hs) - 0.5f;
        switch (id) {
          case kBody: {
            float k = 0.7f + 0.3f * sstep(0.25f, 0.85f, float(v));
            if (v > S.belt - 0.13 && v < S.belt - 0.03) k *= 1.18f;  // shoulder highlight
            if (v > Hc - 0.08) k *= 1.08f;
            out = (paint * k + horizon * 0.06f) * (1.f + 0.03f * n);
            break;
          }
          case kGlassP: {
            const double w = frac((u * 0.8 + v * 1.6 + 0.15 * (o.X - C.x)) / 1.7);
            out = mixc(V3(30, 35, 42), horizon, w < 0.3 ? 0.4f : 0.1f) * (1.f + 0.04f * n);
            break;
          }
          case kTyre:
            out = V3(30, 30, 32) * (1.f + 0.25f * n);
            break;
          case kRim:
            out = V3(165, 166, 170) * (0.85f + 0.25f * float((v - wr) / wr)) * (1.f + 0.05f * n);
            break;
          case kHead:
            out = V3(235, 230, 205);
            break;
          case kTail:
            out = V3(190, 28, 28);
            break;
          default:
            out = V3(38, 38, 41) * (1.f + 0.1f * n);
            break;
        }
        return true;
      },
      o.lit);
}

// ---------------------------------------------------------------------------
// Exposure and white-balance drift, moving cloud shadows, vignette, sensor noise.
void StreetScene::Impl::applyLight(const Frame& F, const cv::Mat& lab, cv::Mat& rgb) const {
  const double tm = F.time;
  const float ex = float(expBase * std::exp(expA1 * std::sin(2 * kPi * tm / expT1 + expP1) +
                                            expA2 * std::sin(2 * kPi * tm / expT2 + expP2)));
  const float ct = float(ctBase + ctA * std::sin(2 * kPi * tm / ctT + ctP));
  const float gain[3] = {ex * (1.f + ct), ex * (1.f + 0.2f * ct), ex * (1.f - ct)};
  std::vector<float> cloud(W);
  const uint32_t cs = uint32_t(seed) ^ 0xC10Du;
  for (int x = 0; x < W; ++x) {
    const double X = F.cam.wx(x + 0.5, Zb);
    cloud[x] = 1.f - float(cloudA) * sstep(0.42f, 0.62f, vnoise1((X - windV * tm) / cloudScale, cs));
  }
  const uint64_t nh = hkey(seed, 0x4015E, uint64_t(F.t));
  const int ox = int(nh % 64), oy = int((nh >> 16) % 64);
  for (int y = 0; y < H; ++y) {
    cv::Vec3b* p = rgb.ptr<cv::Vec3b>(y);
    const uint8_t* l = lab.ptr<uint8_t>(y);
    const float* vg = vig.data() + size_t(y) * W;
    const int8_t* nz = noise.data() + (size_t(y + oy) * noiseStride + ox) * 3;
    for (int x = 0; x < W; ++x) {
      const float k = vg[x] * (l[x] == kSky ? 1.f : cloud[x]);
      for (int c = 0; c < 3; ++c) p[x][c] = cv::saturate_cast<uchar>(p[x][c] * gain[c] * k + nz[3 * x + c]);
    }
  }
}

// ---------------------------------------------------------------------------
void StreetScene::Impl::render(int t, cv::Mat& rgb, cv::Mat& lab) const {
  const Frame F = frame(t);
  rgb.create(H, W, CV_8UC3);
  lab.create(H, W, CV_8UC1);
  drawSky(F, rgb);
  lab.setTo(kSky);
  drawSkyline(F, rgb, lab);

  const Cam& C = F.cam;
  const std::vector<Lot> lots = lotsIn(C.wx(0, Zb) - 25, C.wx(W, Zb) + 25);
  drawBackGround(F, lots, rgb, lab);
  drawSideWalls(F, lots, rgb, lab);
  for (const Lot& L : lots)
    if (L.type == kLotBuilding) drawBuilding(F, building(L), rgb, lab);

  std::vector<Obj> objs = collectObjects(F, lots);
  const GroundShadows shadows = shadowsOf(F, objs);
  drawGround(F, shadows, rgb, lab);
  if (sun)
    for (Obj& o : objs) o.lit = sunAt(shadows, o.X, o.Z);
  // Painter's order: far to near; ties broken by kind and key so the order is total.
  std::sort(objs.begin(), objs.end(), [](const Obj& a, const Obj& b) {
    if (a.Z != b.Z) return a.Z > b.Z;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.key < b.key;
  });
  for (const Obj& o : objs) {
    switch (o.kind) {
      case kKindHedge:
        drawHedge(F, o, rgb, lab);
        break;
      case kKindTree:
        drawTree(F, o, rgb, lab);
        break;
      case kKindPole:
        drawPole(F, o, rgb, lab);
        break;
      case kKindPerson:
        drawPerson(F, o, rgb, lab);
        break;
      default:
        drawCar(F, o, rgb, lab);
        break;
    }
  }
  applyLight(F, lab, rgb);
}

}  // namespace gearnn

#pragma once
// StreetScene::Impl: the scene layout drawn from the seed, the per-frame
// records, and the drawing passes (one source file per section, see below).
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

#include <opencv2/core.hpp>

#include <cstdint>
#include <vector>

#include "scene_math.h"

namespace gearnn::scene {

enum Cls : uint8_t { kRoad = 0, kSidewalk, kBuilding, kPole, kVeg, kSky, kPerson, kCar };

constexpr double kFps = 10.0;
constexpr double kCurbH = 0.15;  // sidewalk height above the road (m)

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


}  // namespace gearnn::scene

namespace gearnn {

// ===========================================================================
struct StreetScene::Impl {
  uint64_t seed;
  int W, H;
  // Camera motion.
  double fFrac, yhFrac, camH, panX0, panV, panA, panT, panPh, bobA, bobT, zoomA, zoomT, zoomPh;
  // Street depths (m from the camera).
  double Zn, Zs, Zb, Zfar;
  // Ground look.
  scene::V3 roadCol, markCol, centreCol, walkCol, walkJoint, curbCol, grassCol;
  double centreZ, dashLen, dashDuty, tileL, tileW, crossEvery, crossProb, gutterW;
  bool pavers, edgeLines;
  std::vector<double> tracks;  // wheel tracks (depths) darkening the asphalt
  // Buildings.
  int style;
  double lotAvg, hLo, hHi, pGap, pPark, hedgeProb, farLot, farLo, farHi;
  // Sky and light.
  scene::V3 zenith, horizon;
  int sun;  // 0 overcast, 1 sun behind the facades (street shadows), 2 sun behind the camera
  double shK, shSkew, shDark, facadeLight;
  double expBase, expA1, expT1, expP1, expA2, expT2, expP2, ctBase, ctA, ctT, ctP;
  double cloudA, cloudScale, windV, skyWindPx;
  bool autumn;
  scene::V3 leafBase;
  // Traffic, pedestrians, street furniture.
  std::vector<scene::Stream> lanes, walkers;
  scene::Slots farTrees, nearTrees, farPoles, nearPoles;
  // Precomputed per (seed, size).
  cv::Mat sky;                // CV_8UC3 panorama, 2W wide, wraps around
  std::vector<float> vig;     // vignette gain per pixel
  std::vector<int8_t> noise;  // sensor noise tile (W+64) x (H+64) x 3
  int noiseStride;

  Impl(uint64_t seed, int W, int H);
  void render(int t, cv::Mat& rgb, cv::Mat& lab) const;

  // Layout helpers.
  scene::Frame frame(int t) const;
  double lotEdge(int64_t k) const;
  int lotType(int64_t k) const;
  std::vector<scene::Lot> lotsIn(double xa, double xb) const;
  scene::Building building(const scene::Lot& L) const;
  scene::TreeShape treeShape(const scene::Obj& o) const;
  scene::CarShape carShape(const scene::Obj& o) const;
  std::vector<scene::Obj> collectObjects(const scene::Frame& F, const std::vector<scene::Lot>& lots) const;
  void addSlots(const scene::Frame& F, const scene::Slots& S, int kind, double margin, std::vector<scene::Obj>& out) const;
  void addStream(const scene::Frame& F, const scene::Stream& L, double Zlo, double Zhi, int kind, double margin, double gy,
                 std::vector<scene::Obj>& out) const;
  scene::GroundShadows shadowsOf(const scene::Frame& F, const std::vector<scene::Obj>& objs) const;
  float sunAt(const scene::GroundShadows& S, double X, double Z) const;

  // Drawing passes (far to near).
  void drawSky(const scene::Frame& F, cv::Mat& rgb) const;
  void drawSkyline(const scene::Frame& F, cv::Mat& rgb, cv::Mat& lab) const;
  void drawBackGround(const scene::Frame& F, const std::vector<scene::Lot>& lots, cv::Mat& rgb, cv::Mat& lab) const;
  void drawSideWalls(const scene::Frame& F, const std::vector<scene::Lot>& lots, cv::Mat& rgb, cv::Mat& lab) const;
  void drawBuilding(const scene::Frame& F, const scene::Building& B, cv::Mat& rgb, cv::Mat& lab) const;
  void shadeFacade(const scene::Frame& F, const scene::Building& B, cv::Mat& rgb, const cv::Rect& r) const;
  void drawOpenings(const scene::Frame& F, const scene::Building& B, cv::Mat& rgb, const cv::Rect& r) const;
  void drawGround(const scene::Frame& F, const scene::GroundShadows& shadows, cv::Mat& rgb, cv::Mat& lab) const;
  void drawTree(const scene::Frame& F, const scene::Obj& o, cv::Mat& rgb, cv::Mat& lab) const;
  void drawHedge(const scene::Frame& F, const scene::Obj& o, cv::Mat& rgb, cv::Mat& lab) const;
  void drawPole(const scene::Frame& F, const scene::Obj& o, cv::Mat& rgb, cv::Mat& lab) const;
  void drawPerson(const scene::Frame& F, const scene::Obj& o, cv::Mat& rgb, cv::Mat& lab) const;
  void drawCar(const scene::Frame& F, const scene::Obj& o, cv::Mat& rgb, cv::Mat& lab) const;
  void applyLight(const scene::Frame& F, const cv::Mat& lab, cv::Mat& rgb) const;

  // Leaf colour with speckle and see-through holes; shared by trees and hedges.
  bool leaf(double u, double v, double R, double s, uint32_t hs, float holeBase, scene::V3& out) const;
  void buildSky();
};

}  // namespace gearnn

// StreetScene: the public API and the scene parameters drawn from the seed
// (camera motion, street cross-section, looks, traffic, light), plus the tables
// precomputed once per scene (sky panorama, vignette, sensor noise).
#include "gearnn/synth/street_scene.h"

#include <stdexcept>

#include "street_scene_impl.h"

namespace gearnn {

using namespace scene;

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

StreetScene::StreetScene(uint64_t seed, int width, int height) {
  if (width < 16 || height < 16) throw std::invalid_argument("StreetScene: frame must be at least 16x16");
  impl_ = std::make_shared<const Impl>(seed, width, height);
}

void StreetScene::render(int t, cv::Mat& rgb, cv::Mat& labels) const {
  if (t < 0) throw std::invalid_argument("StreetScene::render: t must be >= 0");
  impl_->render(t, rgb, labels);
}

}  // namespace gearnn

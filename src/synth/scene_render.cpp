// Street scene frame: the drawing passes in painter's order, then the light
// (exposure drift, cloud shadows, vignette, sensor noise).
#include "street_scene_impl.h"

namespace gearnn {

using namespace scene;

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

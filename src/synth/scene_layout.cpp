// Street scene layout: the camera of a frame, the lots and their facades, the
// objects visible in a frame, and the shadows they cast on the ground.
#include "street_scene_impl.h"

namespace gearnn {

using namespace scene;

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

}  // namespace gearnn

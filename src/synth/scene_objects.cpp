// Street scene objects, each rasterised into a part map so colour and label
// coincide: trees and hedges, poles and lamps, pedestrians, cars.
#include "street_scene_impl.h"
#include "part_map.h"

namespace gearnn {

using namespace scene;


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

}  // namespace gearnn

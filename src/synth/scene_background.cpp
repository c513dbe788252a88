// Street scene background, far to near: sky panorama, distant skyline, ground
// seen through gaps, side walls, and the facades with their openings.
#include "street_scene_impl.h"
#include "part_map.h"

namespace gearnn {

using namespace scene;

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

}  // namespace gearnn

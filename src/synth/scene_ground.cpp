#include "street_scene_impl.h"

namespace gearnn {

using namespace scene;

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

}  // namespace gearnn

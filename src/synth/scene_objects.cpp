// Street scene objects, each rasterised into a part map so colour and label
// coincide: trees and hedges, poles and lamps, pedestrians, cars.
#include "street_scene_impl.h"
#include "part_map.h"

namespace gearnn {

using namespace scene;

bool StreetScene::Impl::shade_leaf(double u, double v, double radius, double scale, uint32_t texture_seed,
                                   float hole_base, Colour& out) const {
  // Leaf clumps of ~5 cm (never below ~1 px): two lattices, one rotated, are
  // averaged so the speckle is irregular rather than a grid of squares.
  const double clump = std::max(0.05, 1.2 / scale);
  const double a = u / clump, b = v / clump, ra = 0.8 * a + 0.6 * b + 0.5, rb = 0.8 * b - 0.6 * a + 0.5;
  const float noise_a = lattice_hash(floor_int(a), floor_int(b), texture_seed),
              noise_b = lattice_hash(floor_int(ra), floor_int(rb), texture_seed + 3);
  const float n1 = 0.5f * (noise_a + noise_b);
  const float n2 = 0.5f * (lattice_hash(floor_int(a / 4), floor_int(b / 4), texture_seed + 1) +
                           lattice_hash(floor_int(ra / 5), floor_int(rb / 5), texture_seed + 4));  // clusters
  const float n3 = lattice_hash(floor_int(ra), floor_int(rb), texture_seed + 2);
  const float radial = float(std::sqrt(u * u + v * v) / radius);
  const float hole_probability = hole_base + 0.6f * smoothstep(0.6f, 1.15f, radial);
  if (n3 < hole_probability * (0.5f + n2)) return false;
  const float light = 0.72f + 0.28f * clamp_float(float(v / radius), -1.f, 1.f) + 0.3f * (n2 - 0.5f);
  Colour c = leaf_colour * ((0.35f + 0.95f * n1) * light);
  if (autumn && n2 > 0.55f) c = mix_colour(c, Colour(200, 110, 30) * light, 0.6f);
  if (noise_a > 0.97f && v > 0) c = mix_colour(c, Colour(190, 210, 120), 0.25f);  // sunlit leaves
  out = c;
  return true;
}

void StreetScene::Impl::draw_tree(const Frame& frame, const SceneObject& obj, cv::Mat& rgb, cv::Mat& labels) const {
  const TreeShape tree = tree_shape(obj);
  const Camera& cam = frame.camera;
  const double scale = cam.scale(obj.depth);
  const double foot_x = cam.screen_x(obj.x, obj.depth), foot_y = cam.screen_y(obj.depth, obj.ground_height);
  Rng rng(obj.look_hash ^ 0xB10B);
  const double sway_period = rng.range(2.5, 4.5), sway_phase = rng.range(0, 6.3);
  const double sway = 0.04 * tree.crown_radius * std::sin(2 * kPi * frame.time / sway_period + sway_phase);
  const double cx = foot_x + sway * scale, cy = foot_y - tree.crown_height * scale;
  PartMap parts(width, height, cx - 1.5 * tree.crown_radius * scale, cy - 1.4 * tree.crown_radius * scale,
                cx + 1.5 * tree.crown_radius * scale, foot_y + 1);
  if (parts.empty()) return;
  const double trunk_px = tree.trunk_width * scale;
  parts.polygon({{foot_x - 0.5 * trunk_px, foot_y},
                 {foot_x + 0.5 * trunk_px, foot_y},
                 {cx + 0.3 * trunk_px, cy},
                 {cx - 0.3 * trunk_px, cy}},
                1);
  for (int i = 0; i < 3; ++i) {  // branches into the crown
    const double a = rng.range(-2.4, -0.7);
    parts.capsule(
        {cx, cy + 0.25 * tree.crown_radius * scale},
        {cx + std::cos(a) * 0.8 * tree.crown_radius * scale, cy + std::sin(a) * 0.7 * tree.crown_radius * scale},
        0.35 * trunk_px, 1);
  }
  parts.disc({cx, cy}, 0.72 * tree.crown_radius * scale, 2);
  const int blobs = 5 + rng.index(5);
  for (int i = 0; i < blobs; ++i) {
    const double a = rng.range(0, 2 * kPi), d = rng.range(0.2, 0.6) * tree.crown_radius;
    parts.disc({cx + std::cos(a) * d * 1.1 * scale, cy + std::sin(a) * d * 0.8 * scale},
               rng.range(0.4, 0.65) * tree.crown_radius * scale, 2);
  }
  const Colour bark = Colour(95, 78, 62) * float(rng.range(0.7, 1.1));
  const uint32_t texture_seed = rng.bits32();
  const float holes = float(rng.range(0.0, 0.05));
  composite(
      parts, rgb, labels, kVegetation,
      [&](uint8_t id, int x, int y, Colour& out) {
        const double u = (x + 0.5 - cx) / scale, v = (cy - y - 0.5) / scale;
        if (id == 1) {
          const float n = lattice_hash(floor_int(u / std::max(0.04, 1.0 / scale)),
                                       floor_int(v / std::max(0.25, 1.0 / scale)), texture_seed + 5);
          const float side =
              float(0.75 + 0.35 * std::cos(std::min(1.5, std::abs(x + 0.5 - foot_x) / std::max(1.0, 0.5 * trunk_px))));
          out = bark * ((0.75f + 0.4f * n) * side);
          return true;
        }
        return shade_leaf(u, v, tree.crown_radius, scale, texture_seed, holes, out);
      },
      obj.lit);
}

void StreetScene::Impl::draw_hedge(const Frame& frame, const SceneObject& obj, cv::Mat& rgb, cv::Mat& labels) const {
  const Camera& cam = frame.camera;
  const double scale = cam.scale(obj.depth);
  Rng rng(obj.look_hash);
  const double hedge_height = rng.range(0.7, 1.4), half = 0.5 * obj.kind_param;
  const double x0 = cam.screen_x(obj.x - half, obj.depth), x1 = cam.screen_x(obj.x + half, obj.depth),
               foot_y = cam.screen_y(obj.depth, obj.ground_height),
               top_y = cam.screen_y(obj.depth, obj.ground_height + hedge_height);
  PartMap parts(width, height, x0 - 0.3 * scale, top_y - 0.3 * scale, x1 + 0.3 * scale, foot_y);
  if (parts.empty()) return;
  parts.polygon({{x0, foot_y - 0.5}, {x1, foot_y - 0.5}, {x1, top_y + 0.2 * scale}, {x0, top_y + 0.2 * scale}}, 2);
  for (double u = -half; u <= half; u += 0.35)
    parts.disc({cam.screen_x(obj.x + u, obj.depth), top_y + 0.2 * scale}, rng.range(0.18, 0.3) * scale, 2);
  const uint32_t texture_seed = rng.bits32();
  const double centre_height = obj.ground_height + 0.5 * hedge_height;
  composite(
      parts, rgb, labels, kVegetation,
      [&](uint8_t, int x, int y, Colour& out) {
        const double u = (x + 0.5 - cam.screen_x(obj.x, obj.depth)) / scale,
                     v = cam.height - (y + 0.5 - cam.horizon_row) / scale - centre_height;
        shade_leaf(u, v, 1e9, scale, texture_seed, 0.0f, out);  // huge radius: no see-through holes in a hedge
        out *= 0.8f;
        return true;
      },
      obj.lit);
}

// Street lamp / plain post with a metallic cylinder shading.
void StreetScene::Impl::draw_pole(const Frame& frame, const SceneObject& obj, cv::Mat& rgb, cv::Mat& labels) const {
  const Camera& cam = frame.camera;
  const double scale = cam.scale(obj.depth);
  Rng rng(obj.look_hash);
  const bool lamp = rng.chance(0.75);
  const double pole_height = lamp ? rng.range(5.5, 8.0) : rng.range(2.6, 3.6);
  const double r0 = rng.range(0.06, 0.1), r1 = r0 * rng.range(0.5, 0.8);
  const double foot_x = cam.screen_x(obj.x, obj.depth), foot_y = cam.screen_y(obj.depth, obj.ground_height),
               top_y = cam.screen_y(obj.depth, obj.ground_height + pole_height);
  const double arm_depth =
      obj.depth + (obj.depth < far_curb_depth ? 1.0 : -1.0) * rng.range(1.2, 2.0);  // lamp arm reaches over the road
  const cv::Point2d a(foot_x, cam.screen_y(obj.depth, obj.ground_height + pole_height - 0.25)),
      b(cam.screen_x(obj.x, arm_depth), cam.screen_y(arm_depth, obj.ground_height + pole_height + 0.2));
  PartMap parts(width, height, std::min({foot_x, b.x}) - 0.5 * scale, std::min(top_y, b.y) - 0.3 * scale,
                std::max(foot_x, b.x) + 0.5 * scale, foot_y + 1);
  if (parts.empty()) return;
  parts.polygon({{foot_x - r0 * scale, foot_y},
                 {foot_x + r0 * scale, foot_y},
                 {foot_x + r1 * scale, top_y},
                 {foot_x - r1 * scale, top_y}},
                1);
  parts.polygon({{foot_x - 1.6 * r0 * scale, foot_y},
                 {foot_x + 1.6 * r0 * scale, foot_y},
                 {foot_x + 1.6 * r0 * scale, foot_y - 0.5 * scale},
                 {foot_x - 1.6 * r0 * scale, foot_y - 0.5 * scale}},
                1);
  if (lamp) {
    const double arm_scale = cam.scale(arm_depth);
    parts.capsule(a, b, std::max(0.5, 1.6 * r1 * 0.5 * (scale + arm_scale)), 1);
    parts.polygon({{b.x - 0.28 * arm_scale, b.y},
                   {b.x + 0.28 * arm_scale, b.y},
                   {b.x + 0.18 * arm_scale, b.y + 0.14 * arm_scale},
                   {b.x - 0.18 * arm_scale, b.y + 0.14 * arm_scale}},
                  2);
  }
  const Colour paint = rng.pick({{60, 62, 64}, {40, 60, 50}, {120, 122, 125}, {30, 30, 32}}, 0.05);
  const uint32_t texture_seed = rng.bits32();
  composite(
      parts, rgb, labels, kPole,
      [&](uint8_t id, int x, int y, Colour& out) {
        if (id == 2) {
          out = Colour(215, 215, 200);
          return true;
        }
        const double t = (x + 0.5 - foot_x) / std::max(0.7, r0 * scale);
        const float shade = float(0.7 + 0.5 * std::cos(std::max(-1.5, std::min(1.5, t * 1.2 - 0.45))));
        out = paint * (shade * (0.92f + 0.16f * lattice_hash(x, floor_int(y / 3.0), texture_seed)));
        return true;
      },
      obj.lit);
}

// Pedestrian in side view: swinging legs/arms (gait from distance walked),
// clothing with fabric patterns, far-side limbs darker.
void StreetScene::Impl::draw_person(const Frame& frame, const SceneObject& obj, cv::Mat& rgb, cv::Mat& labels) const {
  enum : uint8_t { kSkin = 1, kHair, kTop, kBottom, kShoe, kBag, kFar = 8 };
  Rng rng(obj.look_hash);
  const double stature = rng.chance(0.1) ? rng.range(1.1, 1.35) : rng.range(1.55, 1.92);
  const double width_factor = rng.range(0.9, 1.2) * stature / 1.75;
  const Colour skin =
      rng.pick({{240, 200, 170}, {225, 175, 140}, {195, 140, 105}, {150, 100, 70}, {100, 70, 50}}, 0.03);
  const Colour hair = rng.pick({{30, 25, 20}, {70, 50, 35}, {120, 90, 60}, {200, 170, 110}, {160, 160, 155}}, 0.05);
  const std::vector<Colour> clothes = {{200, 40, 40},  {40, 60, 140},   {240, 240, 235}, {30, 30, 35},   {90, 120, 60},
                                       {230, 190, 60}, {120, 120, 125}, {180, 90, 140},  {70, 150, 170}, {200, 120, 60},
                                       {150, 30, 40},  {60, 40, 90},    {245, 150, 160}, {20, 90, 90}};
  const Colour top = rng.pick(clothes, 0.05), top2 = rng.pick(clothes, 0.05);
  const int pattern = rng.index(5);  // plain, horizontal stripes, pinstripes, checks, dots
  const double period = rng.range(0.04, 0.12);
  const int lower = rng.index(4);  // 0 jeans, 1 trousers, 2 skirt, 3 shorts
  const Colour bottom =
      lower == 0 ? rng.pick({{50, 70, 110}, {40, 50, 80}, {70, 90, 130}}, 0.05)
                 : rng.pick({{30, 30, 32}, {150, 135, 100}, {90, 90, 95}, {110, 60, 50}, {60, 60, 80}}, 0.05);
  const Colour shoe = rng.pick({{25, 25, 25}, {230, 230, 230}, {90, 60, 40}, {60, 60, 70}}, 0.05);
  const int bag = rng.index(4);  // 0/1 none, 2 backpack, 3 handbag
  const Colour bag_colour = rng.pick({{40, 40, 45}, {120, 70, 40}, {30, 60, 120}, {150, 30, 40}}, 0.05);
  const bool coat = rng.chance(0.2);
  const uint32_t texture_seed = rng.bits32();

  const Camera& cam = frame.camera;
  const double scale = cam.scale(obj.depth), facing = obj.facing;
  const double foot_x = cam.screen_x(obj.x, obj.depth), foot_y = cam.screen_y(obj.depth, obj.ground_height);
  PartMap parts(width, height, foot_x - 0.75 * scale, foot_y - (stature + 0.1) * scale, foot_x + 0.75 * scale,
                foot_y + 0.1 * scale);
  if (parts.empty()) return;
  auto point = [&](double u, double v) { return cv::Point2d(foot_x + facing * u * scale, foot_y - v * scale); };
  const bool walking = obj.kind_param > 0;
  const double psi = walking ? 2 * kPi * obj.distance / (1.3 * stature) : 0.0;
  const double swing = walking ? 0.42 : 0.03;

  auto leg = [&](double ph, uint8_t off) {
    const double th = swing * std::sin(ph);
    const double bend = walking ? 0.55 * std::max(0.0, std::sin(ph + 1.3)) : 0.02;
    const double hx = 0.0, hy = 0.51 * stature;
    const double kx = hx + std::sin(th) * 0.245 * stature, ky = hy - std::cos(th) * 0.245 * stature;
    const double ts = th - bend;
    const double ax = kx + std::sin(ts) * 0.235 * stature, ay = ky - std::cos(ts) * 0.235 * stature;
    const double lw = 0.13 * width_factor;
    parts.capsule(point(hx, hy), point(kx, ky), lw * 1.15 * scale, uint8_t(kBottom + off));
    parts.capsule(point(kx, ky), point(ax, ay), lw * 0.9 * scale, uint8_t((lower == 3 ? kSkin : kBottom) + off));
    parts.capsule(point(ax - 0.03, ay - 0.01), point(ax + 0.14 * width_factor, ay - 0.03), 0.075 * width_factor * scale,
                  uint8_t(kShoe + off));
  };
  auto arm = [&](double ph, uint8_t off) {
    const double a = -0.35 * swing / 0.42 * std::sin(ph);
    const double sx = 0.0, sy = 0.80 * stature;
    const double ex = sx + std::sin(a) * 0.18 * stature, ey = sy - std::cos(a) * 0.18 * stature;
    const double fa = a + 0.25;
    const double wx = ex + std::sin(fa) * 0.16 * stature, wy = ey - std::cos(fa) * 0.16 * stature;
    parts.capsule(point(sx, sy), point(ex, ey), 0.085 * width_factor * scale, uint8_t(kTop + off));
    parts.capsule(point(ex, ey), point(wx, wy), 0.075 * width_factor * scale, uint8_t((coat ? kTop : kSkin) + off));
    parts.disc(point(wx + 0.01, wy - 0.03), 0.045 * width_factor * scale, uint8_t(kSkin + off));
    if (bag == 3 && off == 0)
      parts.polygon({point(wx - 0.12, wy - 0.02), point(wx + 0.12, wy - 0.02), point(wx + 0.13, wy - 0.26),
                     point(wx - 0.13, wy - 0.26)},
                    kBag);
  };

  arm(psi + kPi, kFar);
  leg(psi + kPi, kFar);
  if (bag == 2)
    parts.polygon({point(-0.12 * width_factor, 0.58 * stature), point(-0.3 * width_factor, 0.6 * stature),
                   point(-0.3 * width_factor, 0.78 * stature), point(-0.1 * width_factor, 0.8 * stature)},
                  kBag);
  leg(psi, 0);
  parts.polygon({point(-0.13 * width_factor, 0.47 * stature), point(0.12 * width_factor, 0.47 * stature),
                 point(0.13 * width_factor, 0.56 * stature), point(-0.13 * width_factor, 0.56 * stature)},
                kBottom);
  if (lower == 2)
    parts.polygon({point(-0.14 * width_factor, 0.55 * stature), point(0.14 * width_factor, 0.55 * stature),
                   point(0.2 * width_factor, 0.33 * stature), point(-0.2 * width_factor, 0.33 * stature)},
                  kBottom);
  const double coat_lo = coat ? 0.36 * stature : 0.53 * stature;
  parts.polygon({point(-0.13 * width_factor, coat_lo), point(0.13 * width_factor, coat_lo),
                 point(0.14 * width_factor, 0.79 * stature), point(-0.12 * width_factor, 0.82 * stature)},
                kTop);
  parts.disc(point(0.0, 0.79 * stature), 0.125 * width_factor * scale, kTop);
  arm(psi, 0);
  parts.capsule(point(0.01, 0.83 * stature), point(0.02, 0.88 * stature), 0.09 * width_factor * scale, kSkin);
  const double head_radius = 0.065 * stature;
  parts.disc(point(0.025, 0.935 * stature), head_radius * scale, kSkin);
  parts.disc(point(-0.005, 0.95 * stature), 0.95 * head_radius * scale, kHair);
  parts.disc(point(0.035, 0.93 * stature), 0.8 * head_radius * scale, kSkin);  // face in front of the hair

  composite(
      parts, rgb, labels, kPerson,
      [&](uint8_t id, int x, int y, Colour& out) {
        const bool far = id > kFar;
        const uint8_t p = far ? uint8_t(id - kFar) : id;
        const double u = facing * (x + 0.5 - foot_x) / scale, v = (foot_y - y - 0.5) / scale;
        const double g = std::max(0.012, 1.0 / scale);
        const float n = lattice_hash(floor_int(u / g), floor_int(v / g), texture_seed) - 0.5f;
        Colour c;
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
                c = mix_colour(top, top2, 0.5f * float((frac(uu / period) < 0.5) + (frac(vv / period) < 0.5)));
                break;
              case 4:
                c = (grid_distance(uu, period) < 0.012 && grid_distance(vv, period) < 0.012) ? top2 : top;
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
            c = bag_colour * (1.f + 0.1f * n);
            break;
        }
        out = c * ((0.8f + 0.25f * float(v / stature)) * (far ? 0.7f : 1.f));
        return true;
      },
      obj.lit);
}

// Car in side view: body profile by type, side glass with sliding reflections,
// wheels with rotating spokes, lights, trim and door lines.
void StreetScene::Impl::draw_car(const Frame& frame, const SceneObject& obj, cv::Mat& rgb, cv::Mat& labels) const {
  enum : uint8_t { kBody = 1, kSideGlass, kTyre, kRim, kHead, kTail, kTrim };
  const CarShape shape = car_shape(obj);
  const Camera& cam = frame.camera;
  const double scale = cam.scale(obj.depth), facing = obj.facing, length = shape.length, roof_height = shape.height;
  const double foot_x = cam.screen_x(obj.x, obj.depth), foot_y = cam.screen_y(obj.depth, obj.ground_height);
  PartMap parts(width, height, foot_x - (0.5 * length + 0.2) * scale, foot_y - (roof_height + 0.1) * scale,
                foot_x + (0.5 * length + 0.2) * scale, foot_y + 1);
  if (parts.empty()) return;
  auto point = [&](double u, double v) {
    return cv::Point2d(foot_x + facing * (u - 0.5 * length) * scale, foot_y - v * scale);
  };
  std::vector<cv::Point2d> body, glass;
  auto append = [&](std::vector<cv::Point2d>& v, std::initializer_list<std::pair<double, double>> pts) {
    for (const auto& p : pts) v.push_back(point(p.first, p.second));
  };
  switch (shape.type) {
    case 0:
      append(body, {{0.05, 0.22},
                    {0.0, 0.5},
                    {0.04, 0.8},
                    {0.12, 0.93},
                    {0.85, 0.97},
                    {1.45, roof_height},
                    {length - 2.05, roof_height},
                    {length - 1.25, 1.0},
                    {length - 0.25, 0.86},
                    {length - 0.02, 0.72},
                    {length, 0.45},
                    {length - 0.06, 0.22}});
      append(glass,
             {{1.0, 1.0}, {1.52, roof_height - 0.07}, {length - 2.08, roof_height - 0.07}, {length - 1.33, 1.02}});
      break;
    case 1:
      append(body, {{0.05, 0.22},
                    {0.0, 0.5},
                    {0.02, 0.95},
                    {0.12, roof_height - 0.08},
                    {0.3, roof_height},
                    {length - 1.75, roof_height},
                    {length - 0.98, 1.0},
                    {length - 0.2, 0.86},
                    {length - 0.02, 0.7},
                    {length, 0.45},
                    {length - 0.06, 0.22}});
      append(glass,
             {{0.3, 1.02}, {0.38, roof_height - 0.07}, {length - 1.8, roof_height - 0.07}, {length - 1.05, 1.03}});
      break;
    case 2:
      append(body, {{0.05, 0.25},
                    {0.0, 0.55},
                    {0.02, 1.1},
                    {0.1, roof_height - 0.08},
                    {0.25, roof_height},
                    {length - 1.7, roof_height},
                    {length - 1.0, 1.17},
                    {length - 0.15, 1.0},
                    {length, 0.8},
                    {length, 0.45},
                    {length - 0.06, 0.25}});
      append(glass,
             {{0.28, 1.19}, {0.33, roof_height - 0.08}, {length - 1.75, roof_height - 0.08}, {length - 1.08, 1.2}});
      break;
    default:
      append(body, {{0.05, 0.25},
                    {0.0, 0.5},
                    {0.0, roof_height - 0.1},
                    {0.1, roof_height},
                    {length - 1.3, roof_height},
                    {length - 0.6, 1.3},
                    {length - 0.1, 1.05},
                    {length, 0.75},
                    {length, 0.45},
                    {length - 0.06, 0.25}});
      append(glass, {{length - 1.7, 1.27},
                     {length - 1.7, roof_height - 0.15},
                     {length - 1.32, roof_height - 0.15},
                     {length - 0.72, 1.3}});
      break;
  }
  parts.polygon(body, kBody);
  parts.polygon(glass, kSideGlass);
  const double glass_u0 = shape.type == 3 ? length - 1.7 : (shape.type == 0 ? 1.0 : 0.3),
               glass_u1 = shape.type == 3 ? length - 0.72 : length - (shape.type == 0 ? 1.33 : 1.05);
  const double door_u = 0.5 * (glass_u0 + glass_u1);
  if (shape.type != 3)
    parts.polygon({point(door_u - 0.05, shape.belt_height), point(door_u + 0.05, shape.belt_height),
                   point(door_u + 0.05, roof_height), point(door_u - 0.05, roof_height)},
                  kBody);
  // Door lines and handles.
  parts.line(point(door_u, 0.3), point(door_u, shape.belt_height), kTrim);
  parts.line(point(glass_u1 + 0.1, 0.35), point(glass_u1 + 0.05, shape.belt_height), kTrim);
  if (shape.type != 3) parts.line(point(glass_u0 + 0.05, 0.35), point(glass_u0, shape.belt_height), kTrim);
  parts.polygon({point(door_u - 0.35, shape.belt_height - 0.13), point(door_u - 0.18, shape.belt_height - 0.13),
                 point(door_u - 0.18, shape.belt_height - 0.09), point(door_u - 0.35, shape.belt_height - 0.09)},
                kTrim);
  parts.polygon({point(glass_u1 - 0.3, shape.belt_height - 0.13), point(glass_u1 - 0.13, shape.belt_height - 0.13),
                 point(glass_u1 - 0.13, shape.belt_height - 0.09), point(glass_u1 - 0.3, shape.belt_height - 0.09)},
                kTrim);
  // Bumpers, sill, lights.
  parts.polygon({point(-0.01, 0.3), point(0.35, 0.3), point(0.35, 0.46), point(-0.01, 0.46)}, kTrim);
  parts.polygon(
      {point(length - 0.35, 0.3), point(length + 0.01, 0.3), point(length + 0.01, 0.46), point(length - 0.35, 0.46)},
      kTrim);
  parts.polygon({point(0.9, 0.22), point(length - 0.9, 0.22), point(length - 0.9, 0.3), point(0.9, 0.3)}, kTrim);
  parts.polygon({point(0.0, 0.72), point(0.12, 0.72), point(0.12, 0.86), point(0.02, 0.86)}, kTail);
  parts.polygon(
      {point(length - 0.16, 0.62), point(length - 0.01, 0.62), point(length - 0.03, 0.74), point(length - 0.16, 0.74)},
      kHead);
  // Wheels: arch, tyre, rim, rotating spokes, hub.
  const double wheel_radius = shape.wheel_radius, rot = facing * obj.distance / wheel_radius;
  for (double wheel_u : {0.85, length - 0.92}) {
    const cv::Point2d c = point(wheel_u, wheel_radius);
    parts.disc(c, (wheel_radius + 0.06) * scale, kTrim);
    parts.disc(point(wheel_u, wheel_radius), wheel_radius * scale, kTyre);
    parts.disc(c, 0.6 * wheel_radius * scale, kRim);
    if (wheel_radius * scale >= 6)
      for (int k = 0; k < 5; ++k) {
        const double a = rot + k * 2 * kPi / 5;
        parts.line(c, c + cv::Point2d(std::cos(a), std::sin(a)) * (0.55 * wheel_radius * scale), kTyre);
      }
    parts.disc(c, 0.15 * wheel_radius * scale, kTrim);
  }
  const Colour paint = shape.paint;
  const uint32_t texture_seed = uint32_t(obj.look_hash >> 20);
  composite(
      parts, rgb, labels, kCar,
      [&](uint8_t id, int x, int y, Colour& out) {
        const double v = (foot_y - y - 0.5) / scale, u = 0.5 * length + facing * (x + 0.5 - foot_x) / scale;
        const float n = lattice_hash(x, y, texture_seed) - 0.5f;
        switch (id) {
          case kBody: {
            float k = 0.7f + 0.3f * smoothstep(0.25f, 0.85f, float(v));
            if (v > shape.belt_height - 0.13 && v < shape.belt_height - 0.03) k *= 1.18f;  // shoulder highlight
            if (v > roof_height - 0.08) k *= 1.08f;
            out = (paint * k + horizon_colour * 0.06f) * (1.f + 0.03f * n);
            break;
          }
          case kSideGlass: {
            const double w = frac((u * 0.8 + v * 1.6 + 0.15 * (obj.x - cam.x)) / 1.7);
            out = mix_colour(Colour(30, 35, 42), horizon_colour, w < 0.3 ? 0.4f : 0.1f) * (1.f + 0.04f * n);
            break;
          }
          case kTyre:
            out = Colour(30, 30, 32) * (1.f + 0.25f * n);
            break;
          case kRim:
            out =
                Colour(165, 166, 170) * (0.85f + 0.25f * float((v - wheel_radius) / wheel_radius)) * (1.f + 0.05f * n);
            break;
          case kHead:
            out = Colour(235, 230, 205);
            break;
          case kTail:
            out = Colour(190, 28, 28);
            break;
          default:
            out = Colour(38, 38, 41) * (1.f + 0.1f * n);
            break;
        }
        return true;
      },
      obj.lit);
}

}  // namespace gearnn

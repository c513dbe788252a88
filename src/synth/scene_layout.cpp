// Street scene layout: the camera of a frame, the lots and their facades, the
// objects visible in a frame, and the shadows they cast on the ground.
#include "street_scene_impl.h"

namespace gearnn {

using namespace scene;

// ---------------------------------------------------------------------------
// Per-frame camera: pan along the street (with speed wobble), walking bob, slow zoom.
Frame StreetScene::Impl::frame_at(int t) const {
  Frame frame;
  frame.t = t;
  frame.time = t / kFps;
  const double tm = frame.time;
  Camera& cam = frame.camera;
  cam.focal = focal_frac * height * (1.0 + zoom_amplitude * std::sin(2 * kPi * tm / zoom_period + zoom_phase));
  cam.height = camera_height + bob_amplitude * std::sin(2 * kPi * tm / bob_period);
  cam.horizon_row = horizon_frac * height + 0.004 * height * std::sin(2 * kPi * tm / bob_period + 1.0);
  cam.centre_col = 0.5 * width;
  cam.x = pan_start + pan_speed * tm + pan_wobble * std::sin(2 * kPi * tm / pan_wobble_period + pan_wobble_phase);
  auto row = [&](double Z, double Y) { return std::max(0, std::min(height, round_pixel(cam.screen_y(Z, Y)))); };
  frame.skyline_foot_row = row(skyline_depth, 0.0);
  frame.facade_foot_row = std::max(frame.skyline_foot_row, row(facade_depth, kCurbHeight));
  frame.curb_top_row = std::max(frame.facade_foot_row, row(far_curb_depth, kCurbHeight));
  frame.road_top_row = std::max(frame.curb_top_row, row(far_curb_depth, 0.0));
  frame.near_curb_row = std::max(frame.road_top_row, row(near_curb_depth, kCurbHeight));
  return frame;
}

double StreetScene::Impl::lot_edge(int64_t index) const {
  return double(index) * lot_width + 0.3 * lot_width * (2 * unit_interval(hash_key(seed, 0x107E, uint64_t(index))) - 1);
}

// Gaps and parks never come two in a row, so facades dominate.
int StreetScene::Impl::lot_type(int64_t index) const {
  const double a = unit_interval(hash_key(seed, 0x1077, uint64_t(index)));
  const double prev = unit_interval(hash_key(seed, 0x1077, uint64_t(index - 1)));
  if (a < gap_probability + park_probability && prev >= gap_probability + park_probability)
    return a < gap_probability ? kLotGap : kLotPark;
  return kLotBuilding;
}

std::vector<Lot> StreetScene::Impl::lots_in(double xa, double xb) const {
  std::vector<Lot> v;
  for (int64_t k = floor_int(xa / lot_width) - 1; k <= floor_int(xb / lot_width) + 1; ++k) {
    const Lot lot{k, lot_edge(k), lot_edge(k + 1), lot_type(k)};
    if (lot.x1 >= xa && lot.x0 <= xb) v.push_back(lot);
  }
  return v;
}

// Facade appearance of one lot.
Building StreetScene::Impl::building_on(const Lot& lot) const {
  Rng rng(hash_key(seed, 0xB0D1, uint64_t(lot.index)));
  Building building;
  building.x0 = lot.x0;
  building.x1 = lot.x1;
  building.height = building_height_min + (building_height_max - building_height_min) * std::pow(rng.uniform(), 1.4);
  building.depth = rng.range(8, 18);
  building.light = float(facade_light * rng.range(0.88, 1.08));
  building.texture_seed = rng.bits32();
  const double m = rng.uniform();
  if (building_style == 0)
    building.material = m < 0.45 ? kBrick : m < 0.65 ? kStone : kPlaster;
  else if (building_style == 1)
    building.material = m < 0.35 ? kPanels : m < 0.6 ? kGlass : m < 0.85 ? kPlaster : kBrick;
  else
    building.material = rng.index(5);
  building.floor_height = rng.range(2.8, 3.6);
  building.shop = rng.chance(building_style == 1 ? 0.4 : 0.6);
  building.ground_floor_height = building.shop ? rng.range(3.8, 4.8) : building.floor_height;
  building.stagger = false;
  building.tint = 0.f;
  building.grain = 0.06f;
  building.stain = 0.f;
  building.block_length = 1e6;
  building.course_height = 1e6;
  building.joint_half_width = 0.01;
  switch (building.material) {
    case kBrick:
      building.base_colour =
          rng.pick({{150, 68, 50}, {128, 58, 42}, {165, 95, 70}, {185, 150, 105}, {110, 60, 50}, {140, 85, 65}}, 0.06);
      building.joint_colour = Colour(175, 170, 160) * float(rng.range(0.8, 1.05));
      building.block_length = rng.range(0.38, 0.48);
      building.course_height = rng.range(0.15, 0.19);
      building.joint_half_width = 0.012;
      building.stagger = true;
      building.tint = 0.22f;
      building.grain = 0.10f;
      break;
    case kStone:
      building.base_colour = rng.pick({{190, 180, 160}, {160, 155, 145}, {200, 190, 170}, {175, 160, 135}}, 0.05);
      building.joint_colour = building.base_colour * 0.68f;
      building.block_length = rng.range(0.8, 1.3);
      building.course_height = rng.range(0.35, 0.55);
      building.joint_half_width = 0.015;
      building.stagger = true;
      building.tint = 0.10f;
      building.grain = 0.09f;
      break;
    case kPlaster:
      building.base_colour = rng.pick({{225, 215, 195},
                                       {215, 200, 175},
                                       {200, 175, 150},
                                       {180, 195, 200},
                                       {230, 225, 215},
                                       {190, 160, 140},
                                       {205, 190, 160},
                                       {170, 170, 165},
                                       {215, 190, 120}},
                                      0.05);
      building.joint_colour = building.base_colour * 0.85f;
      building.course_height = building.floor_height;
      building.joint_half_width = 0.03;
      building.grain = 0.07f;
      building.stain = 0.10f;
      break;
    case kPanels:
      building.base_colour =
          rng.pick({{150, 150, 148}, {175, 170, 160}, {120, 125, 130}, {200, 198, 190}, {95, 100, 105}}, 0.05);
      building.joint_colour = building.base_colour * 0.6f;
      building.block_length = rng.range(1.8, 3.2);
      building.course_height = building.floor_height * (rng.chance(0.5) ? 0.5 : 1.0);
      building.joint_half_width = 0.012;
      building.tint = 0.06f;
      building.grain = 0.05f;
      break;
    default:  // glass curtain wall: joints are the mullions
      building.base_colour = rng.pick({{60, 90, 110}, {50, 70, 85}, {70, 100, 95}, {90, 100, 110}}, 0.06);
      building.joint_colour = rng.chance(0.5) ? Colour(60, 60, 65) : Colour(175, 178, 180);
      building.block_length = rng.range(1.2, 1.8);
      building.course_height = building.floor_height;
      building.joint_half_width = 0.035;
      building.grain = 0.03f;
      break;
  }
  building.trim_colour = rng.chance(0.5) ? building.base_colour * 1.18f : Colour(225, 222, 215);
  building.frame_colour = rng.pick({{232, 232, 228}, {52, 48, 44}, {95, 68, 48}, {120, 130, 125}}, 0.04);
  building.glass_colour = rng.pick({{42, 50, 60}, {55, 62, 70}, {35, 40, 46}}, 0.1);
  building.door_colour = rng.pick({{70, 45, 30}, {40, 40, 45}, {110, 30, 30}, {30, 60, 50}}, 0.08);
  building.awning_colour = rng.pick({{180, 30, 35}, {30, 90, 60}, {30, 50, 120}, {200, 150, 40}, {90, 40, 70}}, 0.05);
  building.awning_stripe_colour = rng.chance(0.6) ? Colour(235, 232, 220) : building.awning_colour * 0.6f;
  building.sign_colour = rng.pick({{30, 30, 35}, {160, 30, 30}, {230, 225, 210}, {30, 60, 110}}, 0.05);
  building.window_width = rng.range(0.9, 1.6);
  building.window_height = rng.range(1.3, std::min(2.0, building.floor_height - 1.1));
  building.margin = rng.range(0.6, 1.4);
  const double usable = (building.x1 - building.x0) - 2 * building.margin;
  building.window_columns = std::max(1, int(usable / (building.window_width + rng.range(0.8, 2.0))));
  building.window_style = rng.index(3);
  building.awning = building.shop && rng.chance(0.5);
  building.shutters = building.material != kGlass && building.material != kPanels && rng.chance(0.25);
  building.pipe = rng.chance(0.4);
  building.chimneys = building_style == 1 ? 0 : rng.index(3);
  building.antenna = rng.chance(0.3);
  return building;
}

// ---------------------------------------------------------------------------
// Objects visible in a frame.

void StreetScene::Impl::add_slots(const Frame& frame, const Slots& slots, int kind, double margin,
                                  std::vector<SceneObject>& out) const {
  const double a = frame.camera.world_x(0, slots.depth) - margin - slots.jitter,
               b = frame.camera.world_x(width, slots.depth) + margin + slots.jitter;
  for (int64_t k = floor_int(a / slots.spacing); k <= floor_int(b / slots.spacing) + 1; ++k) {
    const uint64_t h = hash_key(seed, slots.salt, uint64_t(k));
    if (unit_interval(h) >= slots.probability) continue;
    SceneObject obj;
    obj.kind = kind;
    obj.x = double(k) * slots.spacing + slots.jitter * (2 * unit_interval(splitmix64(h)) - 1);
    obj.depth = slots.depth;
    obj.ground_height = kCurbHeight;
    obj.sort_key = h;
    obj.look_hash = splitmix64(h ^ 0xA5A5);
    obj.facing = unit_interval(splitmix64(h ^ 7)) < 0.5 ? 1 : -1;
    obj.distance = 0;
    obj.kind_param = 0;
    out.push_back(obj);
  }
}

// A lane of cars or a stream of walkers: member k sits at k*gap + jitter + speed*time,
// so the visible members of any frame can be enumerated directly.
void StreetScene::Impl::add_stream(const Frame& frame, const Stream& stream, double depth_lo, double depth_hi, int kind,
                                   double margin, double ground_height, std::vector<SceneObject>& out) const {
  const double shift = stream.speed * frame.time;
  const double far_depth = std::max(depth_lo, depth_hi);
  const double a = frame.camera.world_x(0, far_depth) - margin - stream.jitter - shift,
               b = frame.camera.world_x(width, far_depth) + margin + stream.jitter - shift;
  for (int64_t k = floor_int(a / stream.gap); k <= floor_int(b / stream.gap) + 1; ++k) {
    const uint64_t h = hash_key(seed, stream.salt, uint64_t(k));
    if (unit_interval(h) >= stream.probability) continue;
    SceneObject obj;
    obj.kind = kind;
    obj.x = double(k) * stream.gap + stream.jitter * (2 * unit_interval(splitmix64(h)) - 1) + shift;
    obj.depth = depth_lo + (depth_hi - depth_lo) * unit_interval(splitmix64(h + 2));
    obj.ground_height = ground_height;
    obj.sort_key = h;
    obj.look_hash = splitmix64(h ^ 0x5A5A);
    obj.facing = stream.speed > 0 ? 1 : (stream.speed < 0 ? -1 : (unit_interval(splitmix64(h + 3)) < 0.5 ? 1 : -1));
    obj.distance = std::abs(stream.speed) * frame.time + 10 * unit_interval(splitmix64(h + 4));
    obj.kind_param = std::abs(stream.speed);
    if (kind == kKindPerson)
      obj.x += 0.3 * std::sin(frame.time * 0.9 + 6 * unit_interval(splitmix64(h + 5)));  // small pace changes
    if (kind == kKindCar && stream.speed == 0) obj.kind_param = -1;                      // parked
    out.push_back(obj);
  }
}

std::vector<SceneObject> StreetScene::Impl::collect_objects(const Frame& frame, const std::vector<Lot>& lots) const {
  std::vector<SceneObject> out;
  add_slots(frame, far_trees, kKindTree, 5.0, out);
  add_slots(frame, near_trees, kKindTree, 5.0, out);
  add_slots(frame, far_poles, kKindPole, 2.5, out);
  add_slots(frame, near_poles, kKindPole, 2.5, out);
  for (const auto& lane : lanes) add_stream(frame, lane, lane.depth, lane.depth, kKindCar, 3.5, 0.0, out);
  const double far_walk_lo = far_curb_depth + 1.0, far_walk_hi = std::max(far_walk_lo + 0.3, facade_depth - 0.45);
  add_stream(frame, walkers[0], far_walk_lo, far_walk_hi, kKindPerson, 1.0, kCurbHeight, out);
  add_stream(frame, walkers[1], far_walk_lo, far_walk_hi, kKindPerson, 1.0, kCurbHeight, out);
  add_stream(frame, walkers[2], std::max(far_walk_lo, far_walk_hi - 0.6), far_walk_hi, kKindPerson, 1.0, kCurbHeight,
             out);
  const double near_walk_lo = std::max(2.8, near_curb_depth - 2.4),
               near_walk_hi = std::max(near_walk_lo + 0.2, near_curb_depth - 0.5);
  add_stream(frame, walkers[3], near_walk_lo, near_walk_hi, kKindPerson, 1.0, kCurbHeight, out);
  add_stream(frame, walkers[4], near_walk_lo, near_walk_hi, kKindPerson, 1.0, kCurbHeight, out);
  // Hedges in front gardens, trees and hedges in parks.
  for (const Lot& lot : lots) {
    const uint64_t h = hash_key(seed, 0x4ED6, uint64_t(lot.index));
    const double w = lot.x1 - lot.x0;
    if (lot.type == kLotPark || (lot.type == kLotBuilding && unit_interval(h) < hedge_probability)) {
      SceneObject obj{kKindHedge, 0, facade_depth - 0.35, kCurbHeight, h, splitmix64(h), 1, 0, 0};
      const double a = lot.type == kLotPark ? 0.3 : w * 0.5 * unit_interval(splitmix64(h + 1));
      const double b = lot.type == kLotPark ? w - 0.3 : a + std::max(1.5, w * 0.5 * unit_interval(splitmix64(h + 2)));
      obj.x = lot.x0 + 0.5 * (a + b);
      obj.kind_param = std::max(0.5, std::min(b, w) - a);
      out.push_back(obj);
    }
    if (lot.type == kLotPark) {
      const int n = 1 + int(w / 6.0);
      for (int i = 0; i < n; ++i) {
        const uint64_t ht = hash_key(seed, 0x9A4C, uint64_t(lot.index) * 16 + uint64_t(i));
        SceneObject obj{kKindTree,
                        lot.x0 + w * (i + 0.3 + 0.4 * unit_interval(ht)) / n,
                        facade_depth - 1.0 - 0.6 * unit_interval(splitmix64(ht)),
                        kCurbHeight,
                        ht,
                        splitmix64(ht ^ 3),
                        1,
                        0,
                        1.0};
        out.push_back(obj);
      }
    }
  }
  return out;
}

TreeShape StreetScene::Impl::tree_shape(const SceneObject& obj) const {
  Rng rng(obj.look_hash);
  TreeShape tree;
  tree.crown_radius = rng.range(1.4, 3.0) * (obj.kind_param > 0 ? 1.25 : 1.0);
  tree.trunk_height = rng.range(1.8, 3.2);
  tree.crown_height = tree.trunk_height + 0.75 * tree.crown_radius;
  tree.trunk_width = rng.range(0.18, 0.34);
  return tree;
}

CarShape StreetScene::Impl::car_shape(const SceneObject& obj) const {
  Rng rng(obj.look_hash);
  CarShape shape;
  const double t = rng.uniform();
  shape.type = t < 0.42 ? 0 : t < 0.7 ? 1 : t < 0.88 ? 2 : 3;  // sedan, hatchback, SUV, van
  if (obj.kind_param < 0 && shape.type == 3) shape.type = 1;   // parked: keep within the parking gap
  static const double lengths[4][2] = {{4.3, 4.9}, {3.7, 4.2}, {4.4, 4.9}, {4.8, 5.3}};
  static const double heights[4][2] = {{1.40, 1.50}, {1.45, 1.55}, {1.65, 1.80}, {1.90, 2.15}};
  shape.length = rng.range(lengths[shape.type][0], lengths[shape.type][1]);
  shape.height = rng.range(heights[shape.type][0], heights[shape.type][1]);
  shape.wheel_radius = shape.type >= 2 ? 0.35 : 0.31;
  shape.belt_height = shape.type == 0 ? 0.97 : shape.type == 1 ? 1.0 : shape.type == 2 ? 1.17 : 1.28;
  const std::vector<Colour> paints = {{235, 235, 235}, {236, 236, 232}, {190, 192, 195}, {175, 178, 182}, {25, 25, 28},
                                      {30, 30, 34},    {70, 72, 78},    {160, 20, 25},   {30, 55, 120},   {20, 30, 60},
                                      {40, 80, 50},    {200, 190, 160}, {120, 30, 40},   {230, 120, 20}};
  shape.paint = shape.type == 3 && rng.chance(0.6) ? Colour(238, 238, 236) : rng.pick(paints, 0.03);
  return shape;
}

// Ground shadows: soft contact shadows under everything; with sun, dappled crown
// shadows and (sun behind the facades) the shadow of the building row.
GroundShadows StreetScene::Impl::ground_shadows(const Frame& frame, const std::vector<SceneObject>& objects) const {
  GroundShadows out;
  if (sun_position == kSunBehindFacades) {
    const Camera& cam = frame.camera;
    out.x0 = cam.world_x(0, facade_depth) - std::abs(shadow_skew) * facade_depth - 1;
    const double x1 = cam.world_x(width, facade_depth) + std::abs(shadow_skew) * facade_depth + 1;
    out.facade_height.assign(size_t((x1 - out.x0) / out.step) + 2, 0.f);
    for (const Lot& lot : lots_in(out.x0, x1)) {
      if (lot.type != kLotBuilding) continue;
      const float hb = float(building_on(lot).height + kCurbHeight);
      const int64_t a = std::max<int64_t>(0, floor_int((lot.x0 - out.x0) / out.step));
      const int64_t b = std::min<int64_t>(int64_t(out.facade_height.size()), floor_int((lot.x1 - out.x0) / out.step));
      for (int64_t i = a; i < b; ++i) out.facade_height[size_t(i)] = hb;
    }
  }
  std::vector<Shadow>& ellipses = out.ellipses;
  for (const SceneObject& obj : objects) {
    switch (obj.kind) {
      case kKindPerson:
        ellipses.push_back({obj.x, obj.depth, 0.35, 0.28, 0.35f, false});
        break;
      case kKindCar: {
        const CarShape shape = car_shape(obj);
        ellipses.push_back({obj.x, obj.depth, 0.5 * shape.length + 0.15, 0.95, 0.55f, false});
        break;
      }
      case kKindTree: {
        const TreeShape tree = tree_shape(obj);
        ellipses.push_back({obj.x, obj.depth, 0.35, 0.35, 0.3f, false});
        if (sun_position != kOvercast) {
          const double dz = (sun_position == kSunBehindFacades ? -1.0 : 1.0) * shadow_length * tree.crown_height;
          ellipses.push_back({obj.x + shadow_skew * shadow_length * tree.crown_height, obj.depth + dz,
                              tree.crown_radius, tree.crown_radius * std::max(0.6, shadow_length * 0.8),
                              float(1.0 - shadow_gain), true});
        }
        break;
      }
      case kKindPole:
        ellipses.push_back({obj.x, obj.depth, 0.2, 0.2, 0.25f, false});
        break;
      default:
        break;
    }
  }
  return out;
}

// Sun light factor at a ground point (used to darken objects standing in shade).
float StreetScene::Impl::sun_light_at(const GroundShadows& shadows, double along, double depth) const {
  float f = 1.f;
  if (sun_position == kSunBehindFacades && depth < facade_depth &&
      shadow_length * shadows.facade_height_at(along + shadow_skew * (facade_depth - depth)) > facade_depth - depth)
    f = float(shadow_gain);
  for (const Shadow& shadow : shadows.ellipses) {
    if (!shadow.from_sun) continue;
    const double ex = (along - shadow.x) / shadow.radius_x, ez = (depth - shadow.depth) / shadow.radius_depth;
    const double q = ex * ex + ez * ez;
    if (q < 1.0) f = std::min(f, 1.f - 0.8f * shadow.strength * smoothstep(1.f, 0.75f, float(q)));
  }
  return f;
}

}  // namespace gearnn

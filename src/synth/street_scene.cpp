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

StreetScene::Impl::Impl(uint64_t scene_seed, int frame_width, int frame_height)
    : seed(scene_seed), width(frame_width), height(frame_height) {
  Rng rng(hash_key(seed, 0x5CE4E));
  // Camera: focal length and horizon in units of frame height so geometry scales with size.
  focal_frac = rng.range(0.72, 0.95);
  horizon_frac = rng.range(0.30, 0.44);
  camera_height = rng.range(1.7, 3.2);
  pan_speed = rng.signed_range(0.7, 2.2);
  pan_wobble = rng.range(0.0, 1.2);
  pan_wobble_period = rng.range(6, 20);
  pan_wobble_phase = rng.range(0, 2 * kPi);
  pan_start = rng.range(-20000, 20000);
  bob_amplitude = rng.range(0.005, 0.03);
  bob_period = rng.range(0.7, 1.4);
  zoom_amplitude = rng.range(0.0, 0.025);
  zoom_period = rng.range(8, 25);
  zoom_phase = rng.range(0, 2 * kPi);

  // Street cross-section: the near sidewalk shows a little, road 6.5..13 m wide.
  const double min_depth =
      focal_frac * (camera_height - kCurbHeight) / (1.0 - horizon_frac);  // ground depth at the bottom row
  near_curb_depth = min_depth + rng.range(0.3, 1.8);
  far_curb_depth = near_curb_depth + rng.range(6.5, 13.0);
  facade_depth = far_curb_depth + rng.range(2.8, 5.0);
  skyline_depth = facade_depth + rng.range(20, 45);

  // Road and sidewalk: similar greys, told apart by texture (grain vs tile joints).
  const double g = rng.range(78, 108);
  road_colour = rng.rgb(g - 4, g + 3, g - 3, g + 3, g - 2, g + 7);
  const double wg = g + rng.range(18, 55);
  const int walk_kind = rng.index(4);
  if (walk_kind == 0)
    sidewalk_colour = Colour(float(wg + 25), float(wg - 5), float(wg - 20));  // red-brown pavers
  else if (walk_kind == 1)
    sidewalk_colour = Colour(float(wg + 10), float(wg + 4), float(wg - 8));  // beige
  else
    sidewalk_colour = Colour(float(wg), float(wg), float(wg + rng.range(-3, 4)));  // grey concrete
  sidewalk_joint_colour = sidewalk_colour * float(rng.range(0.55, 0.75));
  curb_colour = Colour(float(wg + 20), float(wg + 20), float(wg + 18));
  pavers = rng.chance(0.35);
  tile_length = pavers ? rng.range(0.18, 0.26) : rng.range(0.3, 0.6);
  tile_width = pavers ? tile_length * 0.5 : tile_length * rng.range(0.6, 1.0);
  marking_colour = Colour(232, 232, 226);
  centre_line_colour = rng.chance(0.3) ? Colour(225, 185, 40) : marking_colour;
  dash_length = rng.range(3, 6);
  dash_duty = rng.range(0.35, 0.6);
  edge_lines = rng.chance(0.5);
  crossing_spacing = rng.range(60, 160);
  crossing_probability = rng.range(0.2, 0.7);
  gutter_width = rng.range(0.25, 0.45);
  grass_colour = rng.rgb(70, 95, 110, 140, 40, 60);

  // Traffic: two moving lanes (maybe one-way), optional parking lane at the far curb.
  const bool parking = rng.chance(0.65);
  const double lane_lo = near_curb_depth + 0.3, lane_hi = far_curb_depth - (parking ? 2.5 : 0.3);
  const double lw = lane_hi - lane_lo;
  const double near_direction = rng.sign();
  const bool one_way = rng.chance(0.2);
  lanes.push_back(
      {lane_lo + 0.26 * lw, near_direction * rng.range(5, 12), rng.range(10, 30), 0, rng.range(0.55, 0.95), 0xCA41});
  lanes.push_back({lane_lo + 0.72 * lw, (one_way ? near_direction : -near_direction) * rng.range(5, 12),
                   rng.range(10, 30), 0, rng.range(0.55, 0.95), 0xCA42});
  if (parking) lanes.push_back({far_curb_depth - 1.25, 0.0, rng.range(5.6, 7.5), 0, rng.range(0.45, 0.9), 0xCA43});
  for (auto& lane : lanes) lane.jitter = std::max(0.0, 0.5 * (lane.gap - 5.5));
  centre_line_depth = lane_lo + 0.49 * lw;
  wheel_tracks = {lanes[0].depth - 0.75, lanes[0].depth + 0.75, lanes[1].depth - 0.75, lanes[1].depth + 0.75};

  // Pedestrians: streams walking either way on both sidewalks plus people standing.
  const double far_walk_lo = far_curb_depth + 1.0, far_walk_hi = std::max(far_walk_lo + 0.3, facade_depth - 0.45);
  walkers.push_back({far_walk_lo, rng.range(1.0, 1.6), rng.range(4, 12), 0, rng.range(0.5, 0.95), 0x9E01});
  walkers.push_back({far_walk_lo, -rng.range(1.0, 1.6), rng.range(4, 12), 0, rng.range(0.5, 0.95), 0x9E02});
  walkers.push_back({far_walk_hi - 0.6, 0.0, rng.range(12, 35), 0, rng.range(0.3, 0.8), 0x9E03});
  walkers.push_back({near_curb_depth - 2.4, rng.range(1.0, 1.6), rng.range(6, 18), 0, rng.range(0.4, 0.9), 0x9E04});
  walkers.push_back({near_curb_depth - 2.4, -rng.range(1.0, 1.6), rng.range(6, 18), 0, rng.range(0.4, 0.9), 0x9E05});
  for (auto& walker : walkers) walker.jitter = 0.45 * walker.gap;

  // Street furniture.
  far_trees = {far_curb_depth + 0.9, rng.range(6, 12), 1.5, rng.range(0.45, 0.95), 0x7E01};
  near_trees = {near_curb_depth - 0.9, rng.range(25, 50), 3.0, rng.range(0.0, 0.5), 0x7E02};
  far_poles = {far_curb_depth + 0.35, rng.range(10, 22), 2.0, rng.range(0.8, 1.0), 0x9001};
  near_poles = {near_curb_depth - 0.35, rng.range(12, 30), 2.0, rng.range(0.5, 0.95), 0x9002};
  autumn = rng.chance(0.15);
  leaf_colour = autumn ? rng.rgb(140, 180, 120, 150, 30, 50) : rng.rgb(55, 90, 95, 130, 30, 55);

  // Buildings: old town (brick/stone/plaster), modern (panels/glass), or mixed.
  building_style = rng.index(3);
  lot_width = rng.range(9, 16);
  // Heights relative to the height seen at the top of the frame, so that some
  // roofs are below it (sky visible) and some above, whatever the camera.
  const double top_height = camera_height + horizon_frac * facade_depth / focal_frac,
               top_height_far = camera_height + horizon_frac * skyline_depth / focal_frac;
  building_height_min = std::max(3.5, top_height * rng.range(0.4, 0.6));
  building_height_max = top_height * rng.range(0.95, 1.6);
  gap_probability = rng.range(0.06, 0.2);
  park_probability = rng.range(0.0, 0.15);
  hedge_probability = rng.range(0.1, 0.6);
  skyline_lot_width = rng.range(12, 25);
  skyline_height_min = top_height_far * rng.range(0.25, 0.45);
  skyline_height_max = top_height_far * rng.range(0.6, 1.1);

  // Sky and sun.
  sun_position = rng.chance(0.4) ? kOvercast : (rng.chance(0.6) ? kSunBehindFacades : kSunBehindCamera);
  if (sun_position == kOvercast) {
    const double s0 = rng.range(140, 185);
    zenith_colour = Colour(float(s0 - 8), float(s0 - 2), float(s0 + 8));
    horizon_colour = Colour(float(s0 + 30), float(s0 + 32), float(s0 + 34));
  } else if (rng.chance(0.15)) {  // low evening sun
    zenith_colour = rng.rgb(60, 90, 85, 110, 150, 190);
    horizon_colour = rng.rgb(230, 250, 170, 200, 120, 160);
  } else {
    zenith_colour = rng.rgb(40, 80, 95, 135, 175, 225);
    horizon_colour = rng.rgb(165, 205, 190, 220, 220, 245);
  }
  shadow_length = rng.range(0.5, 1.5);
  shadow_skew = rng.range(-0.8, 0.8);
  shadow_gain = rng.range(0.45, 0.65);
  facade_light = sun_position == kSunBehindFacades ? 0.82 : (sun_position == kSunBehindCamera ? 1.08 : 0.95);

  // Lighting drift: exposure wander plus faster flicker, colour temperature drift, cloud shadows.
  exposure_base = rng.range(0.85, 1.1);
  exposure_amp_slow = rng.range(0.06, 0.25);
  exposure_period_slow = rng.range(6, 25);
  exposure_phase_slow = rng.range(0, 2 * kPi);
  exposure_amp_fast = rng.range(0.0, 0.06);
  exposure_period_fast = rng.range(1.5, 4);
  exposure_phase_fast = rng.range(0, 2 * kPi);
  colour_temp_base = rng.range(-0.06, 0.06);
  colour_temp_amp = rng.range(0.01, 0.06);
  colour_temp_period = rng.range(8, 30);
  colour_temp_phase = rng.range(0, 2 * kPi);
  cloud_shadow_amount = sun_position != kOvercast ? rng.range(0.15, 0.4) : rng.range(0.0, 0.1);
  cloud_shadow_scale = rng.range(15, 50);
  wind_speed = rng.signed_range(1.5, 6);
  sky_drift_px = rng.signed_range(0.004, 0.02) * width;

  build_sky();

  // Vignette and a fixed sensor-noise tile (sampled at a per-frame offset).
  const double vignette_amount = rng.range(0.1, 0.3);
  vignette.resize(size_t(width) * height);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const double dx = (x + 0.5) / width * 2 - 1, dy = (y + 0.5) / height * 2 - 1;
      vignette[size_t(y) * width + x] = float(1.0 - vignette_amount * 0.5 * (dx * dx + dy * dy));
    }
  const double sigma = rng.range(1.0, 3.0);
  noise_stride = width + 64;
  noise_tile.resize(size_t(noise_stride) * (height + 64) * 3);
  Rng noise_rng(hash_key(seed, 0x4015E));
  for (auto& n : noise_tile) {
    double sum = -2.0;  // Irwin-Hall of 4 uniforms, unit variance after scaling
    for (int k = 0; k < 4; ++k) sum += noise_rng.uniform();
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

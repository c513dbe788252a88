#pragma once
// StreetScene::Impl: the scene parameters drawn from the seed, the per-frame
// layout records, and the drawing passes.
//
// World model (metres). The camera at depth 0 looks along +Z across a street
// that runs along X (Y is up). From near to far: near sidewalk (until
// near_curb_depth), road, curb, far sidewalk (from far_curb_depth), a row of
// facades at facade_depth with gaps (side streets, small parks), a hazy skyline
// at skyline_depth and the sky. The pinhole has its principal point shifted
// vertically (horizon row), so verticals stay vertical and a facade is a pure
// scale + shift of its own metric coordinates. In the code, capital X, Y, Z are
// world metres and lower-case x, y are pixels.
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
//
// Sources: street_scene.cpp (public API, parameters from the seed),
// scene_layout.cpp (camera, lots, facades, objects, shadows), scene_background.cpp
// (sky, skyline, facades), scene_ground.cpp (road and sidewalks), scene_objects.cpp
// (trees, hedges, poles, people, cars), scene_render.cpp (pass order and light).
#include "gearnn/synth/street_scene.h"

#include <opencv2/core.hpp>

#include <cstdint>
#include <vector>

#include "scene_math.h"

namespace gearnn::scene {

// Label ids, in the order of street_class_names().
enum ClassId : uint8_t { kRoad = 0, kSidewalk, kBuilding, kPole, kVegetation, kSky, kPerson, kCar };

constexpr double kFps = 10.0;
constexpr double kCurbHeight = 0.15;  // sidewalk height above the road (m)

// ---------------------------------------------------------------------------
// Camera of one frame: pinhole at (x, height) looking along +Z, focal length
// in pixels, horizon row, principal column.
struct Camera {
  double x, height, focal, horizon_row, centre_col;
  double scale(double depth) const { return focal / depth; }  // pixels per metre at a depth
  double screen_x(double along, double depth) const { return centre_col + (along - x) * focal / depth; }
  double screen_y(double depth, double elevation) const { return horizon_row + focal * (height - elevation) / depth; }
  double world_x(double col, double depth) const { return x + (col - centre_col) * depth / focal; }  // at column edge
};

// Rows where the flat bands start (all derived once per frame so every pass agrees).
struct Frame {
  int t;
  double time;  // seconds
  Camera camera;
  int skyline_foot_row, facade_foot_row, curb_top_row, road_top_row, near_curb_row;
};

// ---------------------------------------------------------------------------
// Layout records.

struct Stream {  // a stream of equally fast things along X at one depth
  double depth, speed, gap, jitter, probability;
  uint64_t salt;
};

struct Slots {  // static things at (roughly) regular X positions
  double depth, spacing, jitter, probability;
  uint64_t salt;
};

enum LotType { kLotBuilding = 0, kLotGap, kLotPark };
struct Lot {  // one stretch of the facade line, between x0 and x1
  int64_t index;
  double x0, x1;
  int type;
};

enum Material { kBrick = 0, kStone, kPlaster, kPanels, kGlass };
struct Building {
  double x0, x1, height, depth;  // extent along X, height above the sidewalk, depth into the block
  float light;
  int material;
  Colour base_colour, joint_colour, trim_colour, frame_colour, glass_colour, door_colour;
  Colour awning_colour, awning_stripe_colour, sign_colour;
  double block_length, course_height, joint_half_width;  // joint spacing along the facade and up it (m)
  float tint, grain, stain;
  bool stagger, shop, awning, shutters, pipe, antenna;
  double floor_height, ground_floor_height, window_width, window_height, margin;
  int window_columns, window_style, chimneys;
  uint32_t texture_seed;
};

enum Kind { kKindHedge = 0, kKindTree, kKindPole, kKindPerson, kKindCar };
struct SceneObject {
  int kind;
  double x, depth, ground_height;  // foot position and ground height
  uint64_t sort_key, look_hash;    // sort tie-break, appearance hash
  int facing;                      // +1 / -1 along X
  double distance;                 // distance travelled (gait phase, wheel angle)
  double kind_param;               // kind specific: speed, hedge length, park-tree flag, parked flag (-1)
  float lit = 1.f;                 // < 1 when the foot point is in a sun shadow
};

struct Shadow {  // ellipse on the ground plane
  double x, depth, radius_x, radius_depth;
  float strength;
  bool from_sun;  // sun shadows (dappled, take the min) vs contact shadows (soft, multiply)
};

// Ground shadows of one frame: facade heights along X (buildings shade the
// street when the sun is behind them) plus contact and crown ellipses.
struct GroundShadows {
  double x0 = 0, step = 0.1;
  std::vector<float> facade_height;  // facade top above the road, per step along X
  std::vector<Shadow> ellipses;      // contact and crown shadows
  double facade_height_at(double along) const {
    const int64_t i = int64_t(std::floor((along - x0) / step));
    return (i >= 0 && i < int64_t(facade_height.size())) ? facade_height[size_t(i)] : 0.0;
  }
};

struct TreeShape {
  double crown_radius, trunk_height, crown_height, trunk_width;  // crown_height: crown centre above the ground
};
struct CarShape {
  int type;  // 0 sedan, 1 hatchback, 2 SUV, 3 van
  double length, height, wheel_radius, belt_height;
  Colour paint;
};

enum SunPosition { kOvercast = 0, kSunBehindFacades, kSunBehindCamera };

}  // namespace gearnn::scene

namespace gearnn {

// ===========================================================================
struct StreetScene::Impl {
  uint64_t seed;
  int width, height;  // frame size (px)
  // Camera motion. Focal length and horizon row in frame heights.
  double focal_frac, horizon_frac, camera_height, pan_start, pan_speed, pan_wobble, pan_wobble_period, pan_wobble_phase,
      bob_amplitude, bob_period, zoom_amplitude, zoom_period, zoom_phase;
  // Street depths (m from the camera).
  double near_curb_depth, far_curb_depth, facade_depth, skyline_depth;
  // Ground look.
  scene::Colour road_colour, marking_colour, centre_line_colour, sidewalk_colour, sidewalk_joint_colour, curb_colour,
      grass_colour;
  double centre_line_depth, dash_length, dash_duty, tile_length, tile_width, crossing_spacing, crossing_probability,
      gutter_width;
  bool pavers, edge_lines;
  std::vector<double> wheel_tracks;  // depths darkening the asphalt
  // Buildings.
  int building_style;  // 0 old town, 1 modern, 2 mixed
  double lot_width, building_height_min, building_height_max, gap_probability, park_probability, hedge_probability,
      skyline_lot_width, skyline_height_min, skyline_height_max;
  // Sky and light.
  scene::Colour zenith_colour, horizon_colour;
  int sun_position;  // SunPosition; behind the facades, buildings shade the street
  // Shadow metres per metre of height, sideways lean, light left in a shadow, facade brightness.
  double shadow_length, shadow_skew, shadow_gain, facade_light;
  double exposure_base, exposure_amp_slow, exposure_period_slow, exposure_phase_slow, exposure_amp_fast,
      exposure_period_fast, exposure_phase_fast;
  double colour_temp_base, colour_temp_amp, colour_temp_period, colour_temp_phase;
  double cloud_shadow_amount, cloud_shadow_scale, wind_speed, sky_drift_px;  // sky drift in px per second
  bool autumn;
  scene::Colour leaf_colour;
  // Traffic, pedestrians, street furniture.
  std::vector<scene::Stream> lanes, walkers;
  scene::Slots far_trees, near_trees, far_poles, near_poles;
  // Precomputed per (seed, size).
  cv::Mat sky_panorama;            // CV_8UC3, 2 * width wide, wraps around
  std::vector<float> vignette;     // gain per pixel
  std::vector<int8_t> noise_tile;  // sensor noise (width + 64) x (height + 64) x 3
  int noise_stride;

  Impl(uint64_t scene_seed, int frame_width, int frame_height);
  void render(int t, cv::Mat& rgb, cv::Mat& labels) const;

  // Layout (scene_layout.cpp).
  scene::Frame frame_at(int t) const;
  double lot_edge(int64_t index) const;
  int lot_type(int64_t index) const;
  std::vector<scene::Lot> lots_in(double xa, double xb) const;
  scene::Building building_on(const scene::Lot& lot) const;
  scene::TreeShape tree_shape(const scene::SceneObject& obj) const;
  scene::CarShape car_shape(const scene::SceneObject& obj) const;
  std::vector<scene::SceneObject> collect_objects(const scene::Frame& frame, const std::vector<scene::Lot>& lots) const;
  void add_slots(const scene::Frame& frame, const scene::Slots& slots, int kind, double margin,
                 std::vector<scene::SceneObject>& out) const;
  void add_stream(const scene::Frame& frame, const scene::Stream& stream, double depth_lo, double depth_hi, int kind,
                  double margin, double ground_height, std::vector<scene::SceneObject>& out) const;
  scene::GroundShadows ground_shadows(const scene::Frame& frame, const std::vector<scene::SceneObject>& objects) const;
  float sun_light_at(const scene::GroundShadows& shadows, double along, double depth) const;

  // Drawing passes, far to near (scene_background.cpp, scene_ground.cpp, scene_objects.cpp).
  void build_sky();
  void draw_sky(const scene::Frame& frame, cv::Mat& rgb) const;
  void draw_skyline(const scene::Frame& frame, cv::Mat& rgb, cv::Mat& labels) const;
  void draw_back_ground(const scene::Frame& frame, const std::vector<scene::Lot>& lots, cv::Mat& rgb,
                        cv::Mat& labels) const;
  void draw_side_walls(const scene::Frame& frame, const std::vector<scene::Lot>& lots, cv::Mat& rgb,
                       cv::Mat& labels) const;
  void draw_building(const scene::Frame& frame, const scene::Building& building, cv::Mat& rgb, cv::Mat& labels) const;
  void shade_facade(const scene::Frame& frame, const scene::Building& building, cv::Mat& rgb,
                    const cv::Rect& rect) const;
  void draw_openings(const scene::Frame& frame, const scene::Building& building, cv::Mat& rgb,
                     const cv::Rect& rect) const;
  void draw_ground(const scene::Frame& frame, const scene::GroundShadows& shadows, cv::Mat& rgb, cv::Mat& labels) const;
  void draw_tree(const scene::Frame& frame, const scene::SceneObject& obj, cv::Mat& rgb, cv::Mat& labels) const;
  void draw_hedge(const scene::Frame& frame, const scene::SceneObject& obj, cv::Mat& rgb, cv::Mat& labels) const;
  void draw_pole(const scene::Frame& frame, const scene::SceneObject& obj, cv::Mat& rgb, cv::Mat& labels) const;
  void draw_person(const scene::Frame& frame, const scene::SceneObject& obj, cv::Mat& rgb, cv::Mat& labels) const;
  void draw_car(const scene::Frame& frame, const scene::SceneObject& obj, cv::Mat& rgb, cv::Mat& labels) const;
  // Leaf colour with speckle and see-through holes; shared by trees and hedges.
  bool shade_leaf(double u, double v, double radius, double scale, uint32_t texture_seed, float hole_base,
                  scene::Colour& out) const;

  // Exposure, cloud shadows, vignette, noise (scene_render.cpp).
  void apply_light(const scene::Frame& frame, const cv::Mat& labels, cv::Mat& rgb) const;
};

}  // namespace gearnn

// Street scene ground: far sidewalk, curb face, road and near sidewalk, with
// the shadows that fall on them.
#include "street_scene_impl.h"

namespace gearnn {

using namespace scene;

// Ground: far sidewalk, curb face, road, near sidewalk. Per row the depth is
// fixed, so markings and tile joints along X are row tests and joints across X
// are 1-px column tests. Textures live in world coordinates and move with the pan.
void StreetScene::Impl::draw_ground(const Frame& frame, const GroundShadows& shadows, cv::Mat& rgb,
                                    cv::Mat& labels) const {
  const Camera& cam = frame.camera;
  const uint32_t texture_seed = uint32_t(seed >> 7) ^ 0x9A0Du;
  std::vector<float> sun_light(width), occlusion(width);
  for (int y = frame.facade_foot_row; y < height; ++y) {
    const int zone = y < frame.curb_top_row    ? 0
                     : y < frame.road_top_row  ? 1
                     : y < frame.near_curb_row ? 2
                                               : 3;  // far walk, curb, road, near walk
    const double surface_height = zone == 2 ? 0.0 : kCurbHeight;
    double Z, Zlo, Zhi;
    if (zone == 1) {
      Z = Zlo = Zhi = far_curb_depth;
    } else {
      Z = cam.focal * (cam.height - surface_height) / std::max(0.5, y + 0.5 - cam.horizon_row);
      Zhi = cam.focal * (cam.height - surface_height) / std::max(0.25, y - cam.horizon_row);
      Zlo = cam.focal * (cam.height - surface_height) / (y + 1.0 - cam.horizon_row);
    }
    if (zone == 0) Z = std::min(std::max(Z, far_curb_depth), facade_depth);
    if (zone == 2) Z = std::min(std::max(Z, near_curb_depth), far_curb_depth);
    const double x_step = Z / cam.focal, X0 = cam.x + (0.5 - cam.centre_col) * x_step;
    labels.row(y).setTo(zone == 2 ? kRoad : kSidewalk);

    // Shadows on this row.
    std::fill(sun_light.begin(), sun_light.end(), 1.f);
    std::fill(occlusion.begin(), occlusion.end(), 1.f);
    if (sun_position == kSunBehindFacades && zone != 1) {
      const double d = facade_depth - Z;
      for (int x = 0; x < width; ++x) {
        if (shadow_length * shadows.facade_height_at(X0 + x * x_step + shadow_skew * d) > d)
          sun_light[x] = float(shadow_gain);
      }
    }
    for (const Shadow& shadow : shadows.ellipses) {
      const double dz = (Z - shadow.depth) / shadow.radius_depth;
      if (std::abs(dz) >= 1.0) continue;
      const double half = shadow.radius_x * std::sqrt(1.0 - dz * dz);
      const int c0 = std::max(0, int(std::floor(cam.screen_x(shadow.x - half, Z)))),
                c1 = std::min(width - 1, int(std::ceil(cam.screen_x(shadow.x + half, Z))));
      for (int x = c0; x <= c1; ++x) {
        const double ex = (X0 + x * x_step - shadow.x) / shadow.radius_x;
        const double q = ex * ex + dz * dz;
        if (q >= 1.0) continue;
        if (shadow.from_sun) {
          // Sun flecks: blobs of smooth noise let light through the crown.
          const double X = X0 + x * x_step;
          const float fleck =
              smoothstep(0.55f, 0.7f, value_noise_periodic(X / 0.35, Z / 0.35, int64_t(1) << 40, texture_seed + 5));
          sun_light[x] =
              std::min(sun_light[x], 1.f - shadow.strength * (1.f - 0.7f * fleck) * smoothstep(1.f, 0.75f, float(q)));
        } else {
          occlusion[x] *= 1.f - shadow.strength * float(1.0 - q);
        }
      }
    }

    cv::Vec3b* rgb_row = rgb.ptr<cv::Vec3b>(y);
    if (zone == 1) {  // curb face: concrete with a light rounded top and joints every metre
      const double v = cam.height - (y + 0.5 - cam.horizon_row) * far_curb_depth / cam.focal;
      const float top = v > 0.11 ? 1.15f : 1.f;
      for (int x = 0; x < width; ++x) {
        const double X = X0 + x * x_step;
        const float n = lattice_hash(floor_int(X / std::max(0.02, x_step)), y, texture_seed + 1) - 0.5f;
        const bool joint = grid_distance(X, 1.0) < std::max(0.5 * x_step, 0.008);
        const Colour c = joint ? curb_colour * 0.6f : curb_colour * (top * (1.f + 0.12f * n));
        rgb_row[x] = saturate_colour(c * (sun_light[x] * occlusion[x]));
      }
    } else if (zone == 2) {  // asphalt
      const double marking_half_width = 0.06;
      auto on_row = [&](double zm) { return Zlo < zm + marking_half_width && Zhi > zm - marking_half_width; };
      const bool centre = on_row(centre_line_depth);
      const bool edge = edge_lines && (on_row(near_curb_depth + 0.35) || on_row(far_curb_depth - 0.35));
      const bool zebra_row = frac(Z / 1.0) < 0.5;
      const bool gutter = Z > far_curb_depth - gutter_width || Z < near_curb_depth + 0.5 * gutter_width;
      float track = 1.f;
      for (double tz : wheel_tracks) track -= 0.07f * smoothstep(0.5f, 0.f, float(std::abs(Z - tz)));
      const float row_patch = value_noise(Z / 2.5, texture_seed + 2);
      const double grain_cell = std::max(0.02, x_step);
      const int64_t grain_row = floor_int(Z / grain_cell);
      for (int x = 0; x < width; ++x) {
        const double X = X0 + x * x_step;
        const float n = lattice_hash(floor_int(X / grain_cell), grain_row, texture_seed + 3);
        const float patch = value_noise(X / 6.0, texture_seed + 4) * row_patch;
        Colour c = road_colour * (0.92f + 0.26f * (n - 0.5f) + 0.16f * (patch - 0.25f)) * track;
        if (n > 0.985f) c *= 1.35f;  // light aggregate
        if (gutter) c = mix_colour(c, curb_colour * (0.8f + 0.2f * n), 0.5f);
        const float wear = lattice_hash(floor_int(X / 0.05), grain_row, texture_seed + 6);
        bool mark = false;
        Colour mark_colour = marking_colour;
        if (centre && frac(X / dash_length) < dash_duty) {
          mark = true;
          mark_colour = centre_line_colour;
        }
        if (edge) mark = true;
        if (zebra_row && !gutter) {
          const int64_t kx = floor_int(X / crossing_spacing);
          if (unit_interval(hash_key(seed, 0xC055, uint64_t(kx))) < crossing_probability &&
              X - double(kx) * crossing_spacing < 3.5)
            mark = true;
        }
        if (mark && wear > 0.12f) c = mark_colour * (0.82f + 0.2f * n);
        rgb_row[x] = saturate_colour(c * (sun_light[x] * occlusion[x]));
      }
    } else {  // paving: tiles or small staggered pavers with 1-px joints
      const bool row_joint = grid_distance(Z, tile_width) < std::max(0.5 * (Zhi - Zlo), 0.006);
      const int64_t course = floor_int(Z / tile_width);
      const double course_offset = (pavers && (course & 1)) ? 0.5 * tile_length : 0.0;
      const double grain_cell = std::max(0.015, x_step);
      const int64_t grain_row = floor_int(Z / grain_cell);
      const double joint_half_width = std::max(0.5 * x_step, 0.006);
      for (int x = 0; x < width; ++x) {
        const double X = X0 + x * x_step;
        const double Xo = X + course_offset;
        const float n = lattice_hash(floor_int(X / grain_cell), grain_row, texture_seed + 7) - 0.5f;
        Colour c;
        if (row_joint || grid_distance(Xo, tile_length) < joint_half_width) {
          c = sidewalk_joint_colour * (1.f + 0.15f * n);
        } else {
          const float tint = lattice_hash(floor_int(Xo / tile_length), course, texture_seed + 8) - 0.5f;
          c = sidewalk_colour * (1.f + 0.14f * tint + 0.12f * n);
          if (n > 0.492f) c *= 0.75f;  // specks
        }
        rgb_row[x] = saturate_colour(c * (sun_light[x] * occlusion[x]));
      }
    }
  }
}

}  // namespace gearnn

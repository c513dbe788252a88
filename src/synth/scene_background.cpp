// Street scene background, far to near: sky panorama, distant skyline, ground
// seen through gaps, side walls, and the facades with their openings.
#include "street_scene_impl.h"
#include "part_map.h"

namespace gearnn {

using namespace scene;

// Sky panorama: vertical gradient plus wrap-around fBm clouds; only rows that
// can show sky are computed, the rest is horizon colour.
void StreetScene::Impl::build_sky() {
  const int panorama_width = 2 * width;
  sky_panorama.create(height, panorama_width, CV_8UC3);
  Rng rng(hash_key(seed, 0x5C1));
  const double cover = sun_position == kOvercast ? rng.range(0.25, 0.4) : rng.range(0.35, 0.65);
  const float amount = float(sun_position == kOvercast ? rng.range(0.3, 0.6) : rng.range(0.6, 1.0));
  const Colour cloud_lit = sun_position == kOvercast ? horizon_colour * 1.05f : Colour(250, 250, 252);
  const Colour cloud_dark =
      sun_position == kOvercast ? zenith_colour * 0.85f : mix_colour(zenith_colour, Colour(150, 152, 160), 0.7f);
  const uint32_t cloud_seed = rng.bits32();
  const double horizon_row = horizon_frac * height;
  const int rows = std::min(height, int(horizon_row + 0.12 * height) + 2);
  for (int y = 0; y < height; ++y) {
    const float gradient = clamp_float(float(y / (horizon_row * 1.05)), 0.f, 1.f);
    const Colour base = mix_colour(zenith_colour, horizon_colour, std::pow(gradient, 0.7f));
    cv::Vec3b* row = sky_panorama.ptr<cv::Vec3b>(y);
    for (int x = 0; x < panorama_width; ++x) {
      if (y >= rows) {
        row[x] = saturate_colour(base);
        continue;
      }
      const double fx = double(x) / panorama_width, fy = double(y) / height;
      // Cells ~0.4 frame heights wide and ~0.15 tall (flat clouds), periodic across the panorama.
      float n = 0.f, amp = 0.5f;
      int64_t cells = std::max<int64_t>(1, std::lround(panorama_width / (0.4 * height)));
      double rows_per_height = 1.0 / 0.15;
      for (int octave = 0; octave < 4; ++octave) {
        n += amp * value_noise_periodic(fx * double(cells), fy * rows_per_height, cells, cloud_seed + octave);
        amp *= 0.5f;
        cells *= 2;
        rows_per_height *= 2;
      }
      n /= 0.9375f;
      const float d =
          smoothstep(float(cover), float(cover) + 0.22f, n) * amount * (0.4f + 0.6f * (1.f - gradient * 0.5f));
      const Colour cloud = mix_colour(cloud_dark, cloud_lit, smoothstep(float(cover), float(cover) + 0.4f, n));
      row[x] = saturate_colour(mix_colour(base, cloud, d));
    }
  }
}

// ---------------------------------------------------------------------------
// Sky: the panorama scrolls with the wind only (it is at infinity, panning does not move it).
void StreetScene::Impl::draw_sky(const Frame& frame, cv::Mat& rgb) const {
  const int panorama_width = sky_panorama.cols;
  const int offset = int(((floor_int(sky_drift_px * frame.time) % panorama_width) + panorama_width) % panorama_width);
  const int n1 = std::min(width, panorama_width - offset);
  sky_panorama(cv::Rect(offset, 0, n1, height)).copyTo(rgb(cv::Rect(0, 0, n1, height)));
  if (n1 < width) sky_panorama(cv::Rect(0, 0, width - n1, height)).copyTo(rgb(cv::Rect(n1, 0, width - n1, height)));
}

// Distant skyline: hazy blocks with small window grids, occasionally a clump of trees.
void StreetScene::Impl::draw_skyline(const Frame& frame, cv::Mat& rgb, cv::Mat& labels) const {
  const Camera& cam = frame.camera;
  const double scale = cam.scale(skyline_depth);
  const double xa = cam.world_x(0, skyline_depth) - 1, xb = cam.world_x(width, skyline_depth) + 1;
  auto edge = [&](int64_t k) {
    return double(k) * skyline_lot_width +
           0.3 * skyline_lot_width * (2 * unit_interval(hash_key(seed, 0xFA7E, uint64_t(k))) - 1);
  };
  const std::vector<Colour> palette = {
      {150, 150, 155}, {175, 165, 150}, {120, 130, 145}, {190, 185, 175}, {140, 120, 110}};
  for (int64_t k = floor_int(xa / skyline_lot_width) - 1; k <= floor_int(xb / skyline_lot_width) + 1; ++k) {
    const double X0 = edge(k), X1 = edge(k + 1);
    Rng rng(hash_key(seed, 0xFA4, uint64_t(k)));
    const double block_height =
        skyline_height_min + (skyline_height_max - skyline_height_min) * std::pow(rng.uniform(), 1.3);
    const int x0 = std::max(0, round_pixel(cam.screen_x(X0, skyline_depth))),
              x1 = std::min(width, round_pixel(cam.screen_x(X1, skyline_depth)));
    const int y0 = std::max(0, round_pixel(cam.screen_y(skyline_depth, block_height))), y1 = frame.skyline_foot_row;
    if (x1 <= x0 || y1 <= y0) continue;
    const float haze = float(rng.range(0.35, 0.6));
    if (rng.chance(0.18)) {  // tree clump: a low wall (fills down to the ground) under rounded crowns
      const double cy = cam.screen_y(skyline_depth, 0.3 * block_height);
      PartMap parts(width, height, x0, cam.screen_y(skyline_depth, block_height) - 4, x1, y1);
      if (parts.empty()) continue;
      parts.polygon(
          {{double(x0), cy}, {double(x1), cy}, {double(x1), double(y1) - 0.5}, {double(x0), double(y1) - 0.5}}, 1);
      const int n = 3 + rng.index(4);
      for (int i = 0; i < n; ++i) {
        const double lift = rng.range(0.1, 0.35), rad = rng.range(0.25, 0.4);
        parts.disc({x0 + (x1 - x0) * (i + 0.5) / n, cy - lift * block_height * scale}, rad * block_height * scale, 1);
      }
      const Colour clump_colour = mix_colour(leaf_colour, horizon_colour, haze);
      const uint32_t texture_seed = rng.bits32();
      composite(parts, rgb, labels, kVegetation, [&](uint8_t, int x, int y, Colour& out) {
        out = clump_colour * (0.75f + 0.4f * lattice_hash(x, y, texture_seed));
        return true;
      });
      continue;
    }
    const Colour colour = mix_colour(rng.pick(palette, 0.05), horizon_colour, haze);
    const cv::Rect rect(x0, y0, x1 - x0, y1 - y0);
    rgb(rect).setTo(to_scalar(colour));
    labels(rect).setTo(kBuilding);
    // Window grid, only where windows are at least ~2 px.
    const double floor_height = rng.range(3.0, 3.6), window_spacing = rng.range(2.2, 3.5);
    if (floor_height * scale < 4) continue;
    const Colour window_colour = mix_colour(Colour(50, 58, 70), horizon_colour, haze * 0.8f);
    const uint32_t texture_seed = rng.bits32();
    cv::Mat sub = rgb(rect);
    for (int fi = 1; fi * floor_height < block_height - 1.0; ++fi) {
      const int wy0 = round_pixel(cam.screen_y(skyline_depth, fi * floor_height + 0.3 * floor_height + 1.4)) - rect.y,
                wy1 = round_pixel(cam.screen_y(skyline_depth, fi * floor_height + 0.3 * floor_height)) - rect.y;
      for (int64_t j = floor_int(X0 / window_spacing) + 1; (double(j) + 0.7) * window_spacing < X1; ++j) {
        const int wx0 = round_pixel(cam.screen_x(double(j) * window_spacing, skyline_depth)) - rect.x,
                  wx1 = round_pixel(cam.screen_x(double(j) * window_spacing + 0.45 * window_spacing, skyline_depth)) -
                        rect.x;
        const float v = lattice_hash(j, fi, texture_seed);
        cv::rectangle(sub, cv::Point(wx0, wy0), cv::Point(wx1 - 1, wy1 - 1),
                      to_scalar(window_colour * (0.8f + 0.5f * v)), cv::FILLED);
      }
    }
  }
}

// Ground behind the facade line, seen through gaps: side-street asphalt or park lawn.
void StreetScene::Impl::draw_back_ground(const Frame& frame, const std::vector<Lot>& lots, cv::Mat& rgb,
                                         cv::Mat& labels) const {
  const Camera& cam = frame.camera;
  const uint32_t texture_seed = uint32_t(seed) ^ 0xBA6Du;
  for (int y = frame.skyline_foot_row; y < frame.facade_foot_row; ++y) {
    const double Z = cam.focal * cam.height / std::max(0.5, y + 0.5 - cam.horizon_row);
    const double x_step = Z / cam.focal, X0 = cam.x + (0.5 - cam.centre_col) * x_step;
    cv::Vec3b* rgb_row = rgb.ptr<cv::Vec3b>(y);
    uint8_t* label_row = labels.ptr<uint8_t>(y);
    size_t li = 0;
    for (int x = 0; x < width; ++x) {
      const double X = X0 + x * x_step;
      while (li + 1 < lots.size() && X > lots[li].x1) ++li;
      const bool park = !lots.empty() && lots[li].type == kLotPark && X >= lots[li].x0 && X <= lots[li].x1;
      const float n = lattice_hash(floor_int(X / std::max(0.03, x_step)), y, texture_seed);
      if (park) {
        rgb_row[x] = saturate_colour(grass_colour * (0.75f + 0.5f * n));
        label_row[x] = kVegetation;
      } else {
        rgb_row[x] = saturate_colour(road_colour * (0.85f + 0.25f * n));
        label_row[x] = kRoad;
      }
    }
  }
}

// Side walls of the buildings next to a gap, in perspective (they recede towards the horizon).
void StreetScene::Impl::draw_side_walls(const Frame& frame, const std::vector<Lot>& lots, cv::Mat& rgb,
                                        cv::Mat& labels) const {
  const Camera& cam = frame.camera;
  for (size_t i = 0; i < lots.size(); ++i) {
    if (lots[i].type == kLotBuilding) continue;
    for (int side = 0; side < 2; ++side) {
      const size_t j = side == 0 ? i - 1 : i + 1;
      if ((side == 0 && i == 0) || j >= lots.size() || lots[j].type != kLotBuilding) continue;
      const double X = side == 0 ? lots[i].x0 : lots[i].x1;
      if ((side == 0 && cam.x <= X) || (side == 1 && cam.x >= X)) continue;  // wall faces away
      const Building building = building_on(lots[j]);
      const double Z2 = facade_depth + building.depth;
      const cv::Point2d corners[4] = {
          {cam.screen_x(X, facade_depth), cam.screen_y(facade_depth, kCurbHeight)},
          {cam.screen_x(X, facade_depth), cam.screen_y(facade_depth, kCurbHeight + building.height)},
          {cam.screen_x(X, Z2), cam.screen_y(Z2, kCurbHeight + building.height)},
          {cam.screen_x(X, Z2), cam.screen_y(Z2, 0.0)}};
      double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
      for (const auto& p : corners) {
        x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
      }
      PartMap parts(width, height, x0, y0, x1, y1);
      if (parts.empty()) continue;
      parts.polygon({corners[0], corners[1], corners[2], corners[3]}, 1);
      // Per pixel: invert the projection on the plane X = const to get depth along
      // the wall and height, then draw floor lines and a window grid in perspective.
      const Colour wall = building.base_colour * (0.62f * building.light),
                   glass = mix_colour(building.glass_colour, horizon_colour, 0.2f) * building.light;
      composite(parts, rgb, labels, kBuilding, [&](uint8_t, int x, int y, Colour& out) {
        const double dx = x + 0.5 - cam.centre_col;
        const double Z =
            std::abs(dx) < 0.5 ? facade_depth : std::max(facade_depth, std::min(Z2, cam.focal * (X - cam.x) / dx));
        const double metres_per_px = Z / cam.focal,
                     v = cam.height - (y + 0.5 - cam.horizon_row) * metres_per_px - kCurbHeight,
                     along = Z - facade_depth;
        const double fv = frac(v / building.floor_height), fa = frac(along / 2.6);
        const float n = lattice_hash(x, y, building.texture_seed) - 0.5f;
        if (v > 1.0 && fv > 0.3 && fv < 0.78 && fa > 0.25 && fa < 0.7 && v < building.height - 0.6)
          out = glass * (1.f + 0.1f * n);
        else if (grid_distance(v, building.floor_height) < std::max(0.5 * metres_per_px, 0.03))
          out = wall * 0.85f;
        else
          out = wall * (1.f + 0.06f * n);
        out *= 1.f - 0.25f * float(along / building.depth);  // darker deeper into the gap
        return true;
      });
    }
  }
}

void StreetScene::Impl::draw_building(const Frame& frame, const Building& building, cv::Mat& rgb,
                                      cv::Mat& labels) const {
  const Camera& cam = frame.camera;
  const cv::Rect frame_rect(0, 0, width, height);
  const int x0 = round_pixel(cam.screen_x(building.x0, facade_depth)),
            x1 = round_pixel(cam.screen_x(building.x1, facade_depth));
  const int y0 = round_pixel(cam.screen_y(facade_depth, kCurbHeight + building.height));
  // Roof furniture first (above the facade): chimneys and an antenna, as building pixels.
  Rng rng(building.texture_seed);
  for (int i = 0; i < building.chimneys; ++i) {
    const double u = rng.range(0.5, std::max(0.6, building.x1 - building.x0 - 1.2)), w = rng.range(0.5, 0.9),
                 hc = rng.range(0.8, 1.6);
    const cv::Rect chimney =
        cv::Rect(cv::Point(round_pixel(cam.screen_x(building.x0 + u, facade_depth)),
                           round_pixel(cam.screen_y(facade_depth, kCurbHeight + building.height + hc))),
                 cv::Point(round_pixel(cam.screen_x(building.x0 + u + w, facade_depth)), y0)) &
        frame_rect;
    if (chimney.area() <= 0) continue;
    rgb(chimney).setTo(to_scalar(building.base_colour * (0.8f * building.light)));
    labels(chimney).setTo(kBuilding);
  }
  if (building.antenna) {
    const double u = rng.range(1.0, std::max(1.1, building.x1 - building.x0 - 1.0));
    const cv::Point a(round_pixel(cam.screen_x(building.x0 + u, facade_depth)), y0 - 1),
        b(a.x, round_pixel(cam.screen_y(facade_depth, kCurbHeight + building.height + rng.range(2, 4))));
    cv::line(rgb, a, b, cv::Scalar(60, 60, 62), 1, cv::LINE_8);
    cv::line(labels, a, b, cv::Scalar(kBuilding), 1, cv::LINE_8);
  }
  const cv::Rect rect = cv::Rect(cv::Point(x0, y0), cv::Point(x1, frame.facade_foot_row)) & frame_rect;
  if (rect.area() <= 0) return;
  labels(rect).setTo(kBuilding);
  shade_facade(frame, building, rgb, rect);
  if (building.material != kGlass) draw_openings(frame, building, rgb, rect);
}

// Facade material, per pixel in facade metres: bricks/blocks with 1-px mortar
// joints (only where the joints are resolvable), plaster with floor bands and
// stains, concrete panels, or a glass curtain wall with moving reflections.
void StreetScene::Impl::shade_facade(const Frame& frame, const Building& building, cv::Mat& rgb,
                                     const cv::Rect& rect) const {
  const Camera& cam = frame.camera;
  const double metres_per_px = facade_depth / cam.focal;  // metres per pixel
  const bool resolvable = building.course_height / metres_per_px >= 2.2;
  const double joint_half = std::max(0.5 * metres_per_px, building.joint_half_width);
  const double grain_cell = std::max(0.04, metres_per_px);
  const uint32_t texture_seed = building.texture_seed;
  for (int y = rect.y; y < rect.y + rect.height; ++y) {
    const double v =
        cam.height - kCurbHeight - (y + 0.5 - cam.horizon_row) * metres_per_px;  // height above the sidewalk
    const int64_t course = floor_int(v / building.course_height);
    const bool row_joint = resolvable && grid_distance(v, building.course_height) < joint_half;
    const double course_offset = (building.stagger && (course & 1)) ? 0.5 * building.block_length : 0.0;
    const float row_shade = building.light * (1.f - 0.12f * smoothstep(1.5f, 0.f, float(v))) *
                            (1.f - 0.06f * smoothstep(0.f, 25.f, float(v)));
    const float stain_row = building.stain > 0 ? value_noise(v / 3.0, texture_seed + 7) : 0.f;
    const int64_t grain_row = floor_int(v / grain_cell);
    const double fv = v - double(course) * building.course_height;  // height inside the current floor (glass)
    cv::Vec3b* row = rgb.ptr<cv::Vec3b>(y);
    for (int x = rect.x; x < rect.x + rect.width; ++x) {
      const double u = cam.x + (x + 0.5 - cam.centre_col) * metres_per_px - building.x0;
      const float grain_noise = lattice_hash(floor_int(u / grain_cell), grain_row, texture_seed) - 0.5f;
      Colour c;
      if (building.material == kGlass) {
        if (row_joint || grid_distance(u, building.block_length) < joint_half) {
          c = building.joint_colour * (1.f + 0.1f * grain_noise);
        } else if (fv < 0.28 * building.floor_height) {
          c = building.base_colour * (0.55f + 0.05f * grain_noise);  // opaque spandrel band
        } else {
          const float refl =
              value_noise((u + 0.35 * v + 0.4 * cam.x) / 5.0 + 13.0 * double(floor_int(u / building.block_length)),
                          texture_seed + 3);
          c = mix_colour(building.base_colour, horizon_colour * 0.9f, 0.15f + 0.5f * refl) *
              (1.f + 0.04f * grain_noise);
        }
      } else {
        const double uo = u + course_offset;
        if (row_joint || (resolvable && grid_distance(uo, building.block_length) < joint_half)) {
          c = building.joint_colour * (1.f + 0.12f * grain_noise);
        } else {
          const float tint =
              building.tint > 0
                  ? lattice_hash(floor_int(uo / building.block_length), course, texture_seed ^ 0x55u) - 0.5f
                  : 0.f;
          const float stain =
              building.stain > 0 ? building.stain * (value_noise(u / 2.5, texture_seed + 9) * stain_row - 0.25f) : 0.f;
          c = building.base_colour * (1.f + building.tint * tint + building.grain * grain_noise + stain);
        }
      }
      row[x] = saturate_colour(c * row_shade);
    }
  }
}

// Windows, doors, shop fronts, awnings, cornice and pipes, drawn on the facade
// sub-image (so nothing leaks outside the labelled rectangle).
void StreetScene::Impl::draw_openings(const Frame& frame, const Building& building, cv::Mat& rgb,
                                      const cv::Rect& rect) const {
  const Camera& cam = frame.camera;
  const double scale = cam.scale(facade_depth), metres_per_px = 1.0 / scale;
  cv::Mat sub = rgb(rect);
  const double facade_width = building.x1 - building.x0;
  auto to_fixed = [&](double u, double v) {
    return cv::Point(int(std::lround((cam.screen_x(building.x0 + u, facade_depth) - rect.x) * 16)),
                     int(std::lround((cam.screen_y(facade_depth, kCurbHeight + v) - rect.y) * 16)));
  };
  auto fill = [&](double u0, double v0, double u1, double v1, const Colour& col) {
    cv::rectangle(sub, to_fixed(u0, v1), to_fixed(u1, v0), to_scalar(col * building.light), cv::FILLED, cv::LINE_8, 4);
  };
  auto line = [&](double u0, double v0, double u1, double v1, const Colour& col) {
    cv::line(sub, to_fixed(u0, v0), to_fixed(u1, v1), to_scalar(col * building.light), 1, cv::LINE_8, 4);
  };
  const double frame_width = std::max(0.06, metres_per_px);  // frame width, at least a pixel
  const Colour curtain = Colour(225, 220, 205);
  const Colour shutter = building.door_colour * 1.2f;

  // One window: sill, frame, glass (sky reflection, lit interior or curtain), mullions, shutters.
  auto window = [&](double uc, double v0, double w, double h, int64_t key) {
    const double u0 = uc - 0.5 * w, u1 = uc + 0.5 * w, v1 = v0 + h;
    const float hv = lattice_hash(key, 17, building.texture_seed);
    Colour glass =
        mix_colour(building.glass_colour, horizon_colour, 0.12f + 0.3f * lattice_hash(key, 3, building.texture_seed));
    if (hv < 0.07f) glass = Colour(200, 170, 110);
    if (w * scale < 2.5) {
      fill(u0, v0, u1, v1, glass);
      return;
    }
    if (building.shutters && w * scale >= 4) {
      for (double su : {u0 - 0.5 * w, u1}) {
        fill(su, v0, su + 0.5 * w, v1, shutter);
        if (0.08 * scale >= 2)
          for (double sv = v0 + 0.08; sv < v1; sv += 0.08) line(su, sv, su + 0.5 * w, sv, shutter * 0.7f);
      }
    }
    fill(u0 - 0.08, v0 - 0.1, u1 + 0.08, v0, building.trim_colour);  // sill
    fill(u0, v0, u1, v1, building.frame_colour);
    fill(u0 + frame_width, v0 + frame_width, u1 - frame_width, v1 - frame_width, glass);
    if (hv > 0.7f)
      fill(u0 + frame_width, v1 - frame_width - 0.45 * h, u1 - frame_width, v1 - frame_width,
           curtain * (0.85f + 0.15f * hv));
    if (building.window_style >= 1) fill(uc - 0.5 * frame_width, v0, uc + 0.5 * frame_width, v1, building.frame_colour);
    if (building.window_style == 2)
      fill(u0, v0 + 0.62 * h - 0.5 * frame_width, u1, v0 + 0.62 * h + 0.5 * frame_width, building.frame_colour);
    if (w * scale >= 8 && hv < 0.7f)  // a faint reflection streak
      line(u0 + frame_width + 0.1 * w, v0 + frame_width + 0.1 * h, u0 + 0.45 * w, v1 - frame_width - 0.1 * h,
           mix_colour(glass, horizon_colour, 0.5f));
  };

  const double usable = facade_width - 2 * building.margin;
  const double column_spacing = usable / building.window_columns;
  if (!building.shop) fill(0, 0, facade_width, 0.45, building.base_colour * 0.75f);  // plinth
  for (int fi = 0;; ++fi) {
    const double base = building.ground_floor_height + fi * building.floor_height;
    if (base + 0.85 + building.window_height > building.height - 0.4) break;
    for (int j = 0; j < building.window_columns; ++j)
      window(building.margin + (j + 0.5) * column_spacing, base + 0.85, building.window_width, building.window_height,
             fi * 64 + j + 64);
  }
  // Ground floor.
  Rng rng(building.texture_seed ^ 0x6F);
  if (building.shop) {
    const double sign_lo = building.ground_floor_height - 0.95, sign_hi = building.ground_floor_height - 0.35;
    fill(0.2, sign_lo, facade_width - 0.2, sign_hi, building.sign_colour);
    if ((sign_hi - sign_lo) * scale >= 4) {  // lettering as small blocks
      const Colour ink = building.sign_colour[0] + building.sign_colour[1] + building.sign_colour[2] > 300
                             ? Colour(30, 30, 35)
                             : Colour(240, 235, 220);
      double u = 0.6 + rng.range(0, 1.5);
      const double end = std::min(facade_width - 0.6, u + rng.range(2.5, 6.0));
      while (u < end) {
        const double lw = rng.range(0.12, 0.3);
        fill(u, sign_lo + 0.15, u + lw, sign_hi - 0.15, ink);
        u += lw + (rng.chance(0.2) ? 0.3 : 0.07);
      }
    }
    const int segments = std::max(1, int(facade_width / 3.0));
    const int door_segment = rng.index(segments);
    const double segment_width = facade_width / segments;
    for (int k = 0; k < segments; ++k) {
      const double a = k * segment_width + 0.25, b = (k + 1) * segment_width - 0.25;
      fill(a - 0.1, 0, b + 0.1, sign_lo - 0.05, Colour(45, 45, 48));  // shop-front frame
      const Colour glass =
          mix_colour(Colour(30, 34, 40), horizon_colour, 0.2f + 0.15f * lattice_hash(k, 5, building.texture_seed));
      if (k == door_segment) {
        fill(a + 0.3, 0.02, a + 1.3, 2.3, mix_colour(glass, building.door_colour, 0.3f));
        fill(a + 1.45, 0.45, b, sign_lo - 0.15, glass);
      } else {
        fill(a, 0.45, b, sign_lo - 0.15, glass);
        if (segment_width * scale >= 12) {  // goods on display: a few coloured blocks
          for (int q = 0; q < 3; ++q) {
            const double qa = a + (b - a) * (0.1 + 0.3 * q), qh = 0.4 + 0.8 * lattice_hash(k, q, building.texture_seed);
            fill(qa, 0.5, qa + 0.25 * (b - a), 0.5 + qh,
                 Colour(90, 60, 50) + Colour(120, 90, 80) * lattice_hash(q, k, building.texture_seed + 1));
          }
        }
      }
    }
    if (building.awning) {  // striped fabric awning
      const double ah = sign_lo - 0.05, sw = rng.range(0.22, 0.4);
      for (double u = 0.1; u < facade_width - 0.1; u += sw) {
        const bool alt = int64_t(std::lround((u - 0.1) / sw)) % 2;
        fill(u, ah - 0.7, std::min(u + sw, facade_width - 0.1), ah,
             alt ? building.awning_stripe_colour : building.awning_colour);
      }
      fill(0.1, ah - 0.75, facade_width - 0.1, ah - 0.68, building.awning_colour * 0.6f);
    }
  } else {
    const int door_column = rng.index(building.window_columns);
    for (int j = 0; j < building.window_columns; ++j) {
      const double uc = building.margin + (j + 0.5) * column_spacing;
      if (j == door_column) {
        fill(uc - 0.65, 0.0, uc + 0.65, 2.45, building.trim_colour);
        fill(uc - 0.55, 0.0, uc + 0.55, 2.35, building.door_colour);
        if (0.05 * scale >= 1) line(uc, 0.1, uc, 2.3, building.door_colour * 0.6f);
      } else {
        window(uc, 0.9, building.window_width, building.window_height, j);
      }
    }
  }
  fill(0, building.height - 0.35, facade_width, building.height, building.trim_colour);  // cornice
  fill(0, building.height - 0.55, facade_width, building.height - 0.47, building.trim_colour * 0.9f);
  if (building.pipe) fill(0.12, 0.0, 0.22, building.height - 0.2, Colour(70, 72, 75));
}

}  // namespace gearnn

// Street scene frame: the drawing passes in painter's order, then the light
// (exposure drift, cloud shadows, vignette, sensor noise).
#include "street_scene_impl.h"

namespace gearnn {

using namespace scene;

// ---------------------------------------------------------------------------
// Exposure and white-balance drift, moving cloud shadows, vignette, sensor noise.
void StreetScene::Impl::apply_light(const Frame& frame, const cv::Mat& labels, cv::Mat& rgb) const {
  const double tm = frame.time;
  const float exposure =
      float(exposure_base *
            std::exp(exposure_amp_slow * std::sin(2 * kPi * tm / exposure_period_slow + exposure_phase_slow) +
                     exposure_amp_fast * std::sin(2 * kPi * tm / exposure_period_fast + exposure_phase_fast)));
  const float colour_temp =
      float(colour_temp_base + colour_temp_amp * std::sin(2 * kPi * tm / colour_temp_period + colour_temp_phase));
  const float gain[3] = {exposure * (1.f + colour_temp), exposure * (1.f + 0.2f * colour_temp),
                         exposure * (1.f - colour_temp)};
  std::vector<float> cloud(width);
  const uint32_t cloud_seed = uint32_t(seed) ^ 0xC10Du;
  for (int x = 0; x < width; ++x) {
    const double X = frame.camera.world_x(x + 0.5, facade_depth);
    cloud[x] = 1.f - float(cloud_shadow_amount) *
                         smoothstep(0.42f, 0.62f, value_noise((X - wind_speed * tm) / cloud_shadow_scale, cloud_seed));
  }
  const uint64_t noise_hash = hash_key(seed, 0x4015E, uint64_t(frame.t));
  const int noise_x = int(noise_hash % 64), noise_y = int((noise_hash >> 16) % 64);
  for (int y = 0; y < height; ++y) {
    cv::Vec3b* rgb_row = rgb.ptr<cv::Vec3b>(y);
    const uint8_t* label_row = labels.ptr<uint8_t>(y);
    const float* vignette_row = vignette.data() + size_t(y) * width;
    const int8_t* noise_row = noise_tile.data() + (size_t(y + noise_y) * noise_stride + noise_x) * 3;
    for (int x = 0; x < width; ++x) {
      const float k = vignette_row[x] * (label_row[x] == kSky ? 1.f : cloud[x]);
      for (int c = 0; c < 3; ++c)
        rgb_row[x][c] = cv::saturate_cast<uchar>(rgb_row[x][c] * gain[c] * k + noise_row[3 * x + c]);
    }
  }
}

// ---------------------------------------------------------------------------
void StreetScene::Impl::render(int t, cv::Mat& rgb, cv::Mat& labels) const {
  const Frame frame = frame_at(t);
  rgb.create(height, width, CV_8UC3);
  labels.create(height, width, CV_8UC1);
  draw_sky(frame, rgb);
  labels.setTo(kSky);
  draw_skyline(frame, rgb, labels);

  const Camera& cam = frame.camera;
  const std::vector<Lot> lots = lots_in(cam.world_x(0, facade_depth) - 25, cam.world_x(width, facade_depth) + 25);
  draw_back_ground(frame, lots, rgb, labels);
  draw_side_walls(frame, lots, rgb, labels);
  for (const Lot& lot : lots)
    if (lot.type == kLotBuilding) draw_building(frame, building_on(lot), rgb, labels);

  std::vector<SceneObject> objects = collect_objects(frame, lots);
  const GroundShadows shadows = ground_shadows(frame, objects);
  draw_ground(frame, shadows, rgb, labels);
  if (sun_position != kOvercast)
    for (SceneObject& obj : objects) obj.lit = sun_light_at(shadows, obj.x, obj.depth);
  // Painter's order: far to near; ties broken by kind and key so the order is total.
  std::sort(objects.begin(), objects.end(), [](const SceneObject& a, const SceneObject& b) {
    if (a.depth != b.depth) return a.depth > b.depth;
    if (a.kind != b.kind) return a.kind < b.kind;
    return a.sort_key < b.sort_key;
  });
  for (const SceneObject& obj : objects) {
    switch (obj.kind) {
      case kKindHedge:
        draw_hedge(frame, obj, rgb, labels);
        break;
      case kKindTree:
        draw_tree(frame, obj, rgb, labels);
        break;
      case kKindPole:
        draw_pole(frame, obj, rgb, labels);
        break;
      case kKindPerson:
        draw_person(frame, obj, rgb, labels);
        break;
      default:
        draw_car(frame, obj, rgb, labels);
        break;
    }
  }
  apply_light(frame, labels, rgb);
}

}  // namespace gearnn

#pragma once
// Procedural street-scene video with exact per-pixel labels.
//
// The camera looks across a street (side view, slowly panning along it): near
// sidewalk, road with traffic, far sidewalk with pedestrians, trees and poles,
// a row of building facades, a hazy skyline and the sky. Surfaces carry fine
// texture (brick/mortar, window frames, paving joints, asphalt grain, leaf
// speckle, fabric patterns) so that compression and exposure changes hurt a
// segmentation network the way they do on real video. Every frame is a pure
// function of (seed, width, height, t).
#include <opencv2/core.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace gearnn {

// Class ids used by synthetic scenes, in this order (ids 0..7), Cityscapes colours.
const std::vector<std::string>& street_class_names();   // road, sidewalk, building, pole, vegetation, sky, person, car
const std::vector<std::array<uint8_t, 3>>& street_palette(); // RGB: road(128,64,128) sidewalk(244,35,232) building(70,70,70) pole(153,153,153) vegetation(107,142,35) sky(70,130,180) person(220,20,60) car(0,0,142)

class StreetScene {
 public:
  // Throws std::invalid_argument if width or height is below 16 (64 and up is the intended range).
  StreetScene(uint64_t seed, int width, int height);
  // Renders frame t (t >= 0). rgb: CV_8UC3 in RGB channel order, labels: CV_8UC1 class ids,
  // both width x height. Pure function of (seed, width, height, t): same inputs, same bytes.
  // Thread-safe: render() only reads the scene. Throws std::invalid_argument if t < 0.
  void render(int t, cv::Mat& rgb, cv::Mat& labels) const;

 private:
  struct Impl;                        // layout and precomputed tables, see src/synth/street_scene_impl.h
  std::shared_ptr<const Impl> impl_;  // immutable, so copies of a scene share it
};

}  // namespace gearnn

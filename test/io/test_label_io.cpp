#include <catch2/catch.hpp>
#include <opencv2/imgcodecs.hpp>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"
#include "gearnn/io/label_io.h"
#include "test_support.h"

using namespace gearnn;

TEST_CASE("label PNGs: grey ids and palette indices read back exactly", "[labels]") {
  const std::string dir = test::scratch_dir("labels");
  cv::Mat ids(37, 53, CV_8UC1);
  for (int r = 0; r < ids.rows; ++r)
    for (int c = 0; c < ids.cols; ++c) ids.at<uint8_t>(r, c) = static_cast<uint8_t>((r * 7 + c) % 9 == 8 ? 255 : (r + c) % 8);
  write_label_png(dir + "/grey.png", ids);
  const Palette pal = {{1, 2, 3}, {200, 0, 0}, {0, 200, 0}, {0, 0, 200}, {9, 9, 9}, {50, 60, 70}, {1, 1, 1}, {255, 255, 255}};
  write_label_png(dir + "/pal.png", ids, &pal);
  CHECK(cv::countNonZero(read_label_png(dir + "/grey.png") != ids) == 0);
  CHECK(cv::countNonZero(read_label_png(dir + "/pal.png") != ids) == 0);
  // OpenCV sees the palette PNG as colour: the palette is really there.
  const cv::Mat bgr = cv::imread(dir + "/pal.png", cv::IMREAD_COLOR);
  REQUIRE(!bgr.empty());
  CHECK(bgr.at<cv::Vec3b>(0, 1) == cv::Vec3b(0, 0, 200));  // id 1 -> RGB (200,0,0)
  CHECK_FALSE(std::filesystem::exists(dir + "/pal.png.tmp"));
}

TEST_CASE("colour, missing and corrupt label files are rejected by name", "[labels][errors]") {
  const std::string dir = test::scratch_dir("badlabels");
  cv::imwrite(dir + "/colour.png", cv::Mat(4, 4, CV_8UC3, cv::Scalar(1, 2, 3)));
  write_text_file(dir + "/junk.png", "not a png");
  const cv::Mat ok(8, 8, CV_8UC1, cv::Scalar(1));
  write_label_png(dir + "/ok.png", ok);
  std::string bytes = test::read_file(dir + "/ok.png");
  write_text_file(dir + "/trunc.png", bytes.substr(0, bytes.size() / 2));
  for (const std::string name : {"colour.png", "junk.png", "missing.png", "trunc.png"}) {
    try {
      read_label_png(dir + "/" + name);
      FAIL(name + " accepted");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find(dir + "/" + name) == 0);
    }
  }
}

TEST_CASE("label PNGs: every compression level reads back the same ids (0 stores, 9 is smallest)", "[labels]") {
  const std::string dir = test::scratch_dir("labels-levels");
  cv::Mat ids(120, 200, CV_8UC1);
  for (int r = 0; r < ids.rows; ++r)
    for (int c = 0; c < ids.cols; ++c) ids.at<uint8_t>(r, c) = static_cast<uint8_t>((r / 10 + c / 25) % 6);
  std::vector<uintmax_t> bytes;
  for (int level = 0; level <= 9; ++level) {
    INFO("level " << level);
    const std::string path = dir + "/" + std::to_string(level) + ".png";
    write_label_png(path, ids, nullptr, level);
    CHECK(cv::countNonZero(read_label_png(path) != ids) == 0);
    bytes.push_back(std::filesystem::file_size(path));
  }
  CHECK(bytes[0] > ids.total());  // stored: every pixel byte is in the file
  CHECK(bytes[1] < bytes[0] / 10);
  CHECK(bytes[9] <= bytes[1]);
}

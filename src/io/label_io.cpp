#include "gearnn/io/label_io.h"

#include <png.h>

#include <cstdio>
#include <memory>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"

namespace gearnn {

namespace {

struct File {
  FILE* f;
  ~File() {
    if (f) std::fclose(f);
  }
};

[[noreturn]] void png_error_to_exception(png_structp png, png_const_charp msg) {
  // libpng expects no return; longjmp back to the caller's setjmp.
  auto* err = static_cast<std::string*>(png_get_error_ptr(png));
  if (err) *err = msg;
  png_longjmp(png, 1);
}

void png_quiet_warning(png_structp, png_const_charp) {}

}  // namespace

std::string frame_png_path(const std::string& dir, int64_t index) {
  char name[32];
  std::snprintf(name, sizeof name, "%06lld.png", static_cast<long long>(index));
  return dir + "/" + name;
}

cv::Mat read_label_png(const std::string& path) {
  File file{std::fopen(path.c_str(), "rb")};
  if (!file.f) fail(path, "label file missing or unreadable");
  unsigned char sig[8];
  if (std::fread(sig, 1, 8, file.f) != 8 || png_sig_cmp(sig, 0, 8) != 0) fail(path, "not a PNG file");
  std::string err;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &err, png_error_to_exception, png_quiet_warning);
  png_infop info = png_create_info_struct(png);
  cv::Mat ids;
  std::vector<png_bytep> rows;
  std::string problem;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    fail(path, "corrupt PNG (" + err + ")");
  }
  png_init_io(png, file.f);
  png_set_sig_bytes(png, 8);
  png_read_info(png, info);
  const int color = png_get_color_type(png, info);
  const int depth = png_get_bit_depth(png, info);
  const png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
  if (color != PNG_COLOR_TYPE_PALETTE && color != PNG_COLOR_TYPE_GRAY) {
    problem = "labels must be single-channel ids or a palette PNG, this one has colour channels";
  } else if (depth > 8) {
    problem = "16-bit labels are not supported";
  } else {
    if (depth < 8) png_set_packing(png);  // one byte per index, values unscaled
    png_read_update_info(png, info);
    ids.create(static_cast<int>(h), static_cast<int>(w), CV_8UC1);
    rows.resize(h);
    for (png_uint_32 r = 0; r < h; ++r) rows[r] = ids.ptr<png_byte>(static_cast<int>(r));
    png_read_image(png, rows.data());
    png_read_end(png, nullptr);
  }
  png_destroy_read_struct(&png, &info, nullptr);
  if (!problem.empty()) fail(path, problem);
  return ids;
}

void write_label_png(const std::string& path, const cv::Mat& ids, const Palette* palette, int compression) {
  if (ids.type() != CV_8UC1) fail(path, "mask must be 8-bit single-channel");
  const std::string tmp = temp_name(path);
  {
    File file{std::fopen(tmp.c_str(), "wb")};
    if (!file.f) fail(path, "cannot write file");
    std::string err;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &err, png_error_to_exception, png_quiet_warning);
    png_infop info = png_create_info_struct(png);
    std::vector<png_color> colors;
    std::vector<png_bytep> rows(ids.rows);
    if (setjmp(png_jmpbuf(png))) {
      png_destroy_write_struct(&png, &info);
      fail(path, "cannot encode PNG (" + err + ")");
    }
    png_init_io(png, file.f);
    png_set_compression_level(png, compression);
    png_set_filter(png, 0, PNG_FILTER_SUB);
    const bool pal = palette && !palette->empty();
    png_set_IHDR(png, info, ids.cols, ids.rows, 8, pal ? PNG_COLOR_TYPE_PALETTE : PNG_COLOR_TYPE_GRAY,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (pal) {
      colors.resize(256, png_color{0, 0, 0});
      for (size_t i = 0; i < palette->size() && i < 256; ++i)
        colors[i] = png_color{(*palette)[i][0], (*palette)[i][1], (*palette)[i][2]};
      png_set_PLTE(png, info, colors.data(), 256);
    }
    png_write_info(png, info);
    for (int r = 0; r < ids.rows; ++r) rows[r] = const_cast<png_bytep>(ids.ptr<png_byte>(r));
    png_write_image(png, rows.data());
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    if (std::fflush(file.f) != 0) fail(path, "write failed");
  }
  commit_temp(path);
}

}  // namespace gearnn

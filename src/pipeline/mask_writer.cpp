#include "mask_writer.h"

#include <filesystem>
#include <regex>

#include "gearnn/common/json_io.h"

namespace fs = std::filesystem;

namespace gearnn {
namespace {

// Names gearnn run gives masks: frame indices, six digits or more.
bool is_mask_name(const fs::path& p) {
  static const std::regex name(R"(\d{6,}\.png)");
  return std::regex_match(p.filename().string(), name);
}

}  // namespace

MaskWriter::MaskWriter(const std::string& out_dir, const Palette* palette, int png_level)
    : dir_(out_dir + "/masks"), partial_(out_dir + "/masks.partial"), palette_(palette), png_level_(png_level) {
  fs::remove_all(partial_);  // left by a killed run
  create_dirs(partial_);
}

MaskWriter::~MaskWriter() {
  std::error_code ec;
  if (!finished_) fs::remove_all(partial_, ec);
}

void MaskWriter::write(const FrameResult& result) {
  write_label_png(frame_png_path(partial_, result.frame.index), result.ids, palette_, png_level_);
}

void MaskWriter::finish(bool) {
  finished_ = true;
  std::error_code ec;
  if (fs::is_directory(dir_, ec)) {
    for (const auto& entry : fs::directory_iterator(dir_))
      if (entry.is_regular_file() && is_mask_name(entry.path())) fs::remove(entry.path());
    fs::remove(dir_, ec);  // only if now empty
  }
  if (!fs::exists(dir_)) {
    fs::rename(partial_, dir_);
    return;
  }
  for (const auto& entry : fs::directory_iterator(partial_)) fs::rename(entry.path(), fs::path(dir_) / entry.path().filename());
  fs::remove(partial_);
}

}  // namespace gearnn

#include "mask_writer.h"

#include <filesystem>

namespace gearnn {

MaskWriter::MaskWriter(const std::string& out_dir, const Palette* palette)
    : dir_(out_dir + "/masks"), palette_(palette) {
  std::filesystem::create_directories(dir_);
}

void MaskWriter::write(const FrameResult& result) {
  write_label_png(frame_png_path(dir_, result.frame.index), result.ids, palette_);
}

}  // namespace gearnn

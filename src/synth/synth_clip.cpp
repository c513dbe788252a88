#include "gearnn/synth/synth_clip.h"

#include <filesystem>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"
#include "gearnn/common/progress.h"
#include "gearnn/io/label_io.h"
#include "gearnn/io/video_writer.h"
#include "gearnn/synth/street_scene.h"

namespace gearnn {

void synthesize_clip(const SynthOptions& o) {
  if (o.frames < 1) fail("--frames", "must be at least 1");
  if (o.width < 64 || o.height < 64 || o.width > 8192 || o.height > 8192 || o.width % 2 || o.height % 2)
    fail("--width/--height", "frame size must be even, from 64x64 to 8192x8192");
  create_dirs(o.out_dir + "/labels");
  const StreetScene scene(o.seed, o.width, o.height);
  const Palette palette(street_palette().begin(), street_palette().end());
  EncoderSettings enc;
  enc.codec = "ffv1";
  enc.pix_fmt = "bgr0";  // FFV1 RGB (8-bit packed): the clean clip is exactly what was rendered
  enc.fps = o.fps;
  enc.threads = 1;
  VideoWriter video(o.out_dir + "/video.mkv", o.width, o.height, enc);
  Progress progress("gearnn synth", o.frames, o.progress && Progress::stderr_is_terminal());
  cv::Mat rgb, labels;
  for (int t = 0; t < o.frames; ++t) {
    scene.render(t, rgb, labels);
    video.write(rgb);
    write_label_png(frame_png_path(o.out_dir + "/labels", t), labels, &palette, 6);
    progress.update(t + 1);
  }
  video.finish();
  progress.finish();
  json pal = json::array();
  for (const auto& c : palette) pal.push_back({c[0], c[1], c[2]});
  write_json_file(o.out_dir + "/meta.json", {{"generator", "gearnn synth"},
                                             {"seed", o.seed},
                                             {"frames", o.frames},
                                             {"width", o.width},
                                             {"height", o.height},
                                             {"fps", o.fps},
                                             {"classes", street_class_names()},
                                             {"palette", pal},
                                             {"ignore_index", 255}});
}

}  // namespace gearnn

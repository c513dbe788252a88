#pragma once
// Shared helpers for tests: running the real gearnn binary and making fixtures
// (videos, models) once per build tree. Fixtures are built in a private
// directory and renamed into place, so parallel ctest runs never see half of one.
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"

namespace gearnn::test {

namespace fs = std::filesystem;

struct CommandResult {
  int exit_code;
  std::string output;  // stdout and stderr together
};

inline CommandResult run_command(const std::string& command) {
  CommandResult r{0, ""};
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return {-1, "popen failed"};
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string gearnn_binary() { return GEARNN_BINARY; }
inline std::string source_dir() { return GEARNN_SOURCE_DIR; }

// A fresh empty directory for one test.
inline std::string scratch_dir(const std::string& name) {
  const fs::path dir = fs::path(GEARNN_FIXTURES) / "scratch" / (name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

// Returns GEARNN_FIXTURES/name, calling make(tmp_dir) to build it the first time.
inline std::string fixture(const std::string& name, const std::function<void(const std::string&)>& make) {
  const fs::path final_dir = fs::path(GEARNN_FIXTURES) / name;
  if (fs::exists(final_dir)) return final_dir.string();
  const fs::path tmp = fs::path(GEARNN_FIXTURES) / (name + ".building-" + std::to_string(getpid()));
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  make(tmp.string());
  std::error_code ec;
  fs::rename(tmp, final_dir, ec);  // another process may have won the race
  if (ec) fs::remove_all(tmp);
  return final_dir.string();
}

// Runs a command for a fixture and throws with its output if it fails.
inline void must(const std::string& command) {
  const CommandResult r = run_command(command);
  if (r.exit_code != 0) throw std::runtime_error("fixture command failed: " + command + "\n" + r.output);
}

// A labelled synthetic clip made by `gearnn synth`.
inline std::string synth_clip(int frames = 12, int width = 320, int height = 192, int seed = 7) {
  std::ostringstream name;
  name << "synth-" << frames << "-" << width << "x" << height << "-s" << seed;
  return fixture(name.str(), [&](const std::string& dir) {
    must(gearnn_binary() + " synth --quiet --out " + dir + " --frames " + std::to_string(frames) + " --width " +
         std::to_string(width) + " --height " + std::to_string(height) + " --seed " + std::to_string(seed));
  });
}

// DIR/data.json naming a 12-frame synthetic clip and DIR/LADDER, a two-level
// QP ladder (q22, q46) called "t": the smallest input of the gear commands.
// Returns the clip's directory.
inline std::string two_level_dataset(const std::string& dir, const std::string& ladder = "ladder.json") {
  const std::string clip = synth_clip(12, 320, 192, 7);
  write_text_file(dir + "/data.json", "{\"clips\": [\"" + clip + "\"]}");
  write_text_file(dir + "/" + ladder, R"({"name": "t", "feature": "qp", "levels": [
      {"name": "q22", "qp": 22}, {"name": "q46", "qp": 46}]})");
  return clip;
}

// A randomly initialised built-in model for 8 street classes.
inline std::string builtin_model(int width = 160, int height = 96) {
  return fixture("model-builtin-" + std::to_string(width) + "x" + std::to_string(height), [&](const std::string& dir) {
    must(gearnn_binary() + " init-model --out " + dir + " --width " + std::to_string(width) + " --height " +
         std::to_string(height) + " --seed 3");
  });
}

// A TorchScript model scripted by Debian's python3-torch ("tiny" conv net or
// torchvision's "lraspp").
inline std::string torchscript_model(const std::string& kind) {
  return fixture("model-ts-" + kind, [&](const std::string& dir) {
    must("/usr/bin/python3 " + source_dir() + "/test/make_torchscript_model.py --kind " + kind + " --out " + dir);
  });
}

// An adaptive-bitrate stream of a labelled synthetic clip (60 frames, 320x192
// at 10 fps): four 15-frame segments encoded by libx264 at 320x192 QP 24,
// 240x144 QP 30, 160x96 QP 34, 320x192 QP 24, with continuous timestamps, as
// one concatenated MPEG-TS (abr.ts) and as an HLS media playlist with
// discontinuities (abr.m3u8). labels/ are the full-size labels.
struct AbrRendition {
  int width, height, qp;
};
inline const std::array<AbrRendition, 4>& abr_renditions() {
  static const std::array<AbrRendition, 4> r{{{320, 192, 24}, {240, 144, 30}, {160, 96, 34}, {320, 192, 24}}};
  return r;
}
inline std::string abr_stream() {
  const std::string clip = synth_clip(60, 320, 192, 11);
  return fixture("abr-stream", [&](const std::string& dir) {
    std::string playlist = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n";
    std::string segments;
    for (size_t i = 0; i < abr_renditions().size(); ++i) {
      const AbrRendition& r = abr_renditions()[i];
      const int start = static_cast<int>(i) * 15;
      const std::string seg = "seg" + std::to_string(i) + ".ts";
      must("ffmpeg -nostdin -v error -i " + clip + "/video.mkv -vf \"trim=start_frame=" + std::to_string(start) +
           ":end_frame=" + std::to_string(start + 15) + ",setpts=PTS-STARTPTS,scale=" + std::to_string(r.width) + ":" +
           std::to_string(r.height) + ",format=yuv420p\" -c:v libx264 -preset veryfast -qp " + std::to_string(r.qp) +
           " -bf 2 -output_ts_offset " + std::to_string(start / 10.0) + " -f mpegts " + dir + "/" + seg);
      if (i > 0) playlist += "#EXT-X-DISCONTINUITY\n";
      playlist += "#EXTINF:1.5,\n" + seg + "\n";
      segments += " " + dir + "/" + seg;
    }
    playlist += "#EXT-X-ENDLIST\n";
    must("cat" + segments + " > " + dir + "/abr.ts");
    std::ofstream(dir + "/abr.m3u8") << playlist;
    must("cp -r " + clip + "/labels " + dir + "/labels");
  });
}

// An MPEG-TS stream whose header declares no frame size, as a stream joined
// long before its next key frame is: 13 s of H.264 stripped of its parameter
// sets (more than the 7 s the probe reads, none of it decodable), then 20
// frames of 160x96 that decode (sizeless.ts). 10 fps.
inline std::string sizeless_stream() {
  return fixture("sizeless-stream", [&](const std::string& dir) {
    const std::string encode = "ffmpeg -nostdin -v error -f lavfi -i testsrc2=size=160x96:rate=10 -c:v libx264 "
                               "-preset ultrafast -qp 30 -g 50 -pix_fmt yuv420p ";
    must(encode + "-t 13 -bsf:v 'filter_units=remove_types=7|8' -f mpegts " + dir + "/joined.ts");
    must(encode + "-t 2 -output_ts_offset 13 -f mpegts " + dir + "/decodable.ts");
    must("cat " + dir + "/joined.ts " + dir + "/decodable.ts > " + dir + "/sizeless.ts");
  }) + "/sizeless.ts";
}

// The message of the gearnn::Error that fn throws; empty if it throws none.
inline std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The objects of a JSON Lines file (frames.jsonl), in order.
inline std::vector<json> read_lines(const std::string& path) {
  std::vector<json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

// Pixels counted by a confusion matrix (rows of counts).
inline uint64_t matrix_total(const json& rows) {
  uint64_t n = 0;
  for (const auto& row : rows)
    for (const auto& v : row) n += v.get<uint64_t>();
  return n;
}

}  // namespace gearnn::test

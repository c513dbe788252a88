#include "gearnn/io/playlist.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "gearnn/common/errors.h"
#include "gearnn/common/hashing.h"

namespace fs = std::filesystem;

namespace gearnn {

namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

bool has_scheme(const std::string& uri) {
  const auto colon = uri.find("://");
  return colon != std::string::npos && colon > 0 &&
         std::all_of(uri.begin(), uri.begin() + static_cast<std::ptrdiff_t>(colon),
                     [](unsigned char c) { return std::isalnum(c) || c == '+' || c == '-' || c == '.'; });
}

std::vector<std::string> playlist_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail(path, "cannot open playlist");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

// URI="..." attributes of tags such as #EXT-X-MAP and #EXT-X-MEDIA.
std::vector<std::string> tag_uris(const std::string& line) {
  static const std::regex uri(R"(URI="([^"]*)\")");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(line.begin(), line.end(), uri); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

void collect_files(const std::string& path, std::vector<std::string>& out, std::set<std::string>& seen) {
  if (!seen.insert(fs::weakly_canonical(path).string()).second) return;  // a playlist naming itself
  const fs::path dir = fs::path(path).parent_path();
  for (const std::string& line : playlist_lines(path)) {
    std::vector<std::string> uris = line.empty() ? std::vector<std::string>{}
                                    : line[0] == '#' ? tag_uris(line)
                                                     : std::vector<std::string>{line};
    for (const std::string& uri : uris) {
      if (has_scheme(uri)) {
        out.push_back(uri);
        continue;
      }
      const std::string file = (dir / uri).string();
      out.push_back(file);
      if (is_playlist_path(file)) collect_files(file, out, seen);
    }
  }
}

}  // namespace

bool is_playlist_path(const std::string& path) {
  const std::string ext = lower_extension(path);
  return ext == ".m3u8" || ext == ".m3u";
}

std::vector<VariantSize> hls_variant_sizes(const std::string& path) {
  std::vector<VariantSize> out;
  if (!is_playlist_path(path) || !fs::is_regular_file(path)) return out;
  static const std::regex resolution(R"(RESOLUTION=(\d+)x(\d+))");
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (line.rfind("#EXT-X-STREAM-INF", 0) == 0 && std::regex_search(line, m, resolution)) {
      const long w = std::stol(m[1]), h = std::stol(m[2]);
      if (w > 0 && h > 0 && w <= 1 << 16 && h <= 1 << 16) out.push_back({static_cast<int>(w), static_cast<int>(h)});
    }
  }
  return out;
}

std::vector<std::string> playlist_files(const std::string& path) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  collect_files(path, out, seen);
  return out;
}

std::string input_hash(const std::string& input) {
  if (input == "-" || has_scheme(input)) return "";
  if (input.find('%') != std::string::npos && !fs::exists(input))
    return sha256_directory(fs::path(input).parent_path().string());  // image sequence
  if (!is_playlist_path(input)) return sha256_file(input);
  Sha256 h;
  h.update(sha256_file(input));
  const fs::path dir = fs::path(input).parent_path();
  for (const std::string& file : playlist_files(input)) {
    if (has_scheme(file)) {
      h.update(file);
      continue;
    }
    h.update(fs::path(file).lexically_relative(dir).generic_string());  // where it sits, not where the folder is
    h.update(sha256_file(file));
  }
  return h.hex();
}

}  // namespace gearnn

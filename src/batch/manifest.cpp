#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "gearnn/batch/batch.h"
#include "gearnn/common/hashing.h"

namespace fs = std::filesystem;

namespace gearnn {

Shard Shard::parse(const std::string& text) {
  static const std::regex form(R"((\d{1,6})/(\d{1,6}))");
  std::smatch m;
  if (!std::regex_match(text, m, form)) fail("--shard " + text, "expected I/N with 0 <= I < N");
  Shard s{std::stoi(m[1]), std::stoi(m[2])};
  if (s.count < 1 || s.index >= s.count) fail("--shard " + text, "expected I/N with 0 <= I < N");
  return s;
}

bool Shard::contains(const std::string& id) const {
  // A hash of the id, not its line number: editing the manifest moves no other item.
  const uint64_t h = std::stoull(sha256_string(id).substr(0, 15), nullptr, 16);
  return static_cast<int>(h % static_cast<uint64_t>(count)) == index;
}

bool valid_item_id(const std::string& id) {
  static const std::regex form(R"([A-Za-z0-9_-][A-Za-z0-9._-]{0,199})");
  return std::regex_match(id, form);
}

std::vector<BatchItem> read_manifest(const std::string& path, const std::string& default_model,
                                     const std::string& default_gears) {
  std::ifstream in(path);
  if (!in) fail(path, "manifest not found or unreadable");
  const fs::path base = fs::path(path).parent_path();
  auto resolve = [&](const std::string& p) {
    if (p.empty() || fs::path(p).is_absolute()) return p;
    return (base / p).lexically_normal().string();
  };
  std::vector<BatchItem> items;
  std::map<std::string, int> seen;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(line);
    json j;
    try {
      j = parse_json(text, where);
    } catch (const Error& e) {
      fail(where, "not a JSON object: " + e.problem());
    }
    if (!j.is_object()) fail(where, "not a JSON object");
    for (const auto& entry : j.items())
      if (entry.key() != "id" && entry.key() != "input" && entry.key() != "gt" && entry.key() != "model" &&
          entry.key() != "gears")
        fail(where, "unknown key '" + entry.key() + "' (expected id, input, gt, model, gears)");
    BatchItem item;
    item.line = line;
    item.id = json_get<std::string>(j, "id", where);
    if (!valid_item_id(item.id))
      fail(where, "id '" + item.id + "' must be letters, digits, '.', '_' or '-' and not start with '.'");
    if (auto [it, fresh] = seen.emplace(item.id, line); !fresh)
      fail(where, "id '" + item.id + "' already used on line " + std::to_string(it->second));
    item.input = resolve(json_get<std::string>(j, "input", where));
    auto optional = [&](const char* key, const std::string& fallback) {
      if (!j.contains(key) || j[key].is_null()) return fallback;
      return resolve(json_get<std::string>(j, key, where));
    };
    item.gt = optional("gt", "");
    item.model = optional("model", default_model);
    item.gears = optional("gears", default_gears);
    if (item.model.empty()) fail(where, "no model: give one in the item or with --model");
    items.push_back(std::move(item));
  }
  if (items.empty()) fail(path, "manifest has no items");
  return items;
}

}  // namespace gearnn

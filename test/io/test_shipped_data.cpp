#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "gearnn/common/errors.h"
#include "gearnn/common/json_io.h"
#include "gearnn/io/model_card.h"
#include "gearnn/io/shipped_data.h"
#include "test_support.h"

using namespace gearnn;
namespace fs = std::filesystem;

namespace {

// An installed prefix (share/gearnn) and a build tree (data/, configs/) side by
// side under one directory, plus a $GEARNN_DATA_DIR; the binary is ROOT/bin/gearnn.
struct Layout {
  std::string root, exe, share, data, configs, env;
  explicit Layout(const std::string& name) : root(test::scratch_dir(name)) {
    exe = root + "/bin/gearnn";
    share = root + "/share/gearnn";
    data = root + "/data";
    configs = root + "/configs";
    env = root + "/env";
  }
  static void dir(const std::string& d) { fs::create_directories(d); }
  static void file(const std::string& f) {
    fs::create_directories(fs::path(f).parent_path());
    write_text_file(f, "{}");
  }
};

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Restores an environment variable when the test ends.
struct EnvGuard {
  std::string name, old;
  bool had;
  explicit EnvGuard(const char* n) : name(n), had(std::getenv(n) != nullptr) {
    if (had) old = std::getenv(n);
  }
  ~EnvGuard() {
    if (had)
      setenv(name.c_str(), old.c_str(), 1);
    else
      unsetenv(name.c_str());
  }
};

}  // namespace

TEST_CASE("shipped data roots: environment, then installed share/gearnn, then the build tree", "[shipped]") {
  const Layout l("roots");
  auto roots = shipped_data_roots(l.exe, nullptr);
  REQUIRE(roots.size() == 2);
  CHECK(roots[0].dir == l.share);
  CHECK(roots[0].configs_dir == l.share + "/configs");
  CHECK(roots[1].dir == l.data);
  CHECK(roots[1].configs_dir == l.configs);  // the source tree keeps configs/ beside data/
  CHECK(shipped_data_roots(l.exe, "").size() == 2);  // an empty variable is no place
  roots = shipped_data_roots(l.exe, l.env.c_str());
  REQUIRE(roots.size() == 3);
  CHECK(roots[0].dir == l.env);
  CHECK(roots[0].configs_dir == l.env + "/configs");
  CHECK(roots[1].dir == l.share);
}

TEST_CASE("models by name: first match in search order, paths as given", "[shipped]") {
  const Layout l("models");
  for (const auto& d : {l.share + "/models/street", l.data + "/models/street", l.data + "/models/only-in-tree",
                        l.env + "/models/street"})
    Layout::dir(d);
  const auto plain = shipped_data_roots(l.exe, nullptr);
  CHECK(find_model_dir("street", plain) == l.share + "/models/street");  // installed before the build tree
  CHECK(find_model_dir("only-in-tree", plain) == l.data + "/models/only-in-tree");
  CHECK(find_model_dir("street", shipped_data_roots(l.exe, l.env.c_str())) == l.env + "/models/street");
  // An existing directory is taken as given, even when a shipped model has its name.
  CHECK(find_model_dir(l.data + "/models/street", plain) == l.data + "/models/street");
  const fs::path cwd = fs::current_path();
  fs::current_path(l.root + "/data/models");
  const std::string here = find_model_dir("street", plain);
  fs::current_path(cwd);
  CHECK(here == "street");
  // A path that is not there is left for load_model_card to report.
  CHECK(find_model_dir(l.root + "/missing/street", plain) == l.root + "/missing/street");
  CHECK(find_model_dir("", plain).empty());
}

TEST_CASE("an unknown model name fails naming the argument and every place searched", "[shipped][errors]") {
  const Layout l("unknown");
  const std::string e = error_of([&] { find_model_dir("nosuch", shipped_data_roots(l.exe, l.env.c_str())); });
  CHECK(e.rfind("nosuch: ", 0) == 0);
  CHECK(e.find('\n') == std::string::npos);
  const size_t env = e.find(l.env + "/models/nosuch"), share = e.find(l.share + "/models/nosuch"),
               tree = e.find(l.data + "/models/nosuch");
  REQUIRE(env != std::string::npos);
  REQUIRE(share != std::string::npos);
  REQUIRE(tree != std::string::npos);
  CHECK((env < share && share < tree));  // listed in search order
}

TEST_CASE("gear sets by name: in the model's gears/, or MODEL/SET among shipped models", "[shipped]") {
  const Layout l("gearsets");
  const std::string model = l.root + "/mymodel";
  Layout::dir(model + "/gears/qp");
  Layout::dir(l.share + "/models/street/gears/qp");
  Layout::dir(l.data + "/models/street/gears/brightness");
  const auto roots = shipped_data_roots(l.exe, nullptr);
  CHECK(find_gear_set_dir("qp", model, roots) == model + "/gears/qp");
  CHECK(find_gear_set_dir(model + "/gears/qp", "", roots) == model + "/gears/qp");
  CHECK(find_gear_set_dir("street/qp", "", roots) == l.share + "/models/street/gears/qp");
  CHECK(find_gear_set_dir("street/brightness", "", roots) == l.data + "/models/street/gears/brightness");
  CHECK(find_gear_set_dir("", model, roots).empty());

  std::string e = error_of([&] { find_gear_set_dir("combined", model, roots); });
  CHECK(e.rfind("combined: ", 0) == 0);
  CHECK(e.find(model + "/gears/combined") != std::string::npos);
  e = error_of([&] { find_gear_set_dir("qp", "", roots); });  // no model to look in
  CHECK(e.rfind("qp: ", 0) == 0);
  CHECK(e.find("MODEL/SET") != std::string::npos);
  e = error_of([&] { find_gear_set_dir("street/none", "", roots); });
  CHECK(e.find(l.share + "/models/street/gears/none") != std::string::npos);
  CHECK(e.find(l.data + "/models/street/gears/none") != std::string::npos);
}

TEST_CASE("configs by name: KIND/NAME.json under each root's configs", "[shipped]") {
  const Layout l("configs");
  Layout::file(l.share + "/configs/ladders/qp.json");
  Layout::file(l.configs + "/ladders/qp.json");
  Layout::file(l.configs + "/ladders/brightness.json");
  Layout::file(l.env + "/configs/schedules/abr.json");
  const auto roots = shipped_data_roots(l.exe, l.env.c_str());
  CHECK(find_config_file("qp", "ladders", roots) == l.share + "/configs/ladders/qp.json");
  CHECK(find_config_file("qp.json", "ladders", roots) == l.share + "/configs/ladders/qp.json");
  CHECK(find_config_file("brightness", "ladders", roots) == l.configs + "/ladders/brightness.json");
  CHECK(find_config_file("abr", "schedules", roots) == l.env + "/configs/schedules/abr.json");
  CHECK(find_config_file(l.configs + "/ladders/qp.json", "ladders", roots) == l.configs + "/ladders/qp.json");
  const std::string e = error_of([&] { find_config_file("abr", "ladders", roots); });
  CHECK(e.rfind("abr: ", 0) == 0);
  CHECK(e.find(l.env + "/configs/ladders/abr.json") != std::string::npos);
  CHECK(e.find(l.configs + "/ladders/abr.json") != std::string::npos);
}

TEST_CASE("load_model_card finds a shipped model by name through $GEARNN_DATA_DIR", "[shipped]") {
  EnvGuard guard("GEARNN_DATA_DIR");
  setenv("GEARNN_DATA_DIR", (test::source_dir() + "/data").c_str(), 1);
  REQUIRE(shipped_data_roots().front().dir == test::source_dir() + "/data");
  const ModelCard card = load_model_card("street");
  CHECK(card.dir == test::source_dir() + "/data/models/street");
  CHECK(card.num_classes() > 1);
  const std::string e = error_of([] { load_model_card("no-such-model"); });
  CHECK(e.rfind("no-such-model: ", 0) == 0);
  CHECK(e.find(test::source_dir() + "/data/models/no-such-model") != std::string::npos);
  // The second default place is share/gearnn beside this test's own binary.
  const std::string exe = fs::read_symlink("/proc/self/exe").string();
  CHECK(shipped_data_roots()[1].dir == (fs::path(exe).parent_path() / "../share/gearnn").lexically_normal().string());
}

TEST_CASE("the shipped default: the first models/default.json, paths relative to it, errors by name",
          "[shipped][errors]") {
  const Layout l("default-model");
  const auto roots = shipped_data_roots(l.exe, l.env.c_str());
  CHECK(error_of([&] { find_default_model(roots); }).find(l.data + "/models/default.json") != std::string::npos);
  Layout::dir(l.data + "/models/street/gears/combined");
  write_text_file(l.data + "/models/default.json", R"({"model": "street", "gears": "street/gears/combined"})");
  DefaultModel d = find_default_model(roots);
  CHECK(d.model_dir == l.data + "/models/street");
  CHECK(d.gears_dir == l.data + "/models/street/gears/combined");
  CHECK(d.file == l.data + "/models/default.json");
  // An earlier root wins; "gears": null means none.
  Layout::dir(l.env + "/models/mine");
  write_text_file(l.env + "/models/default.json", R"({"model": "mine", "gears": null})");
  d = find_default_model(roots);
  CHECK(d.model_dir == l.env + "/models/mine");
  CHECK(d.gears_dir.empty());
  write_text_file(l.env + "/models/default.json", R"({"model": "gone"})");
  std::string e = error_of([&] { find_default_model(roots); });
  CHECK(e.rfind(l.env + "/models/default.json: ", 0) == 0);
  CHECK(e.find("not a directory") != std::string::npos);
  write_text_file(l.env + "/models/default.json", R"({"gears": "x"})");
  CHECK(error_of([&] { find_default_model(roots); }).rfind(l.env + "/models/default.json: ", 0) == 0);
  // check_neighbours: optional, an integer 0..1000, only with a gear set.
  write_text_file(l.env + "/models/default.json", R"({"model": "mine", "gears": null})");
  CHECK(find_default_model(roots).check_neighbours == 0);
  Layout::dir(l.env + "/models/mine/gears/qp");
  write_text_file(l.env + "/models/default.json", R"({"model": "mine", "gears": "mine/gears/qp", "check_neighbours": 5})");
  CHECK(find_default_model(roots).check_neighbours == 5);
  for (const char* bad : {R"("5")", "-1", "1001", "2.5", "null"}) {
    write_text_file(l.env + "/models/default.json",
                    std::string(R"({"model": "mine", "gears": "mine/gears/qp", "check_neighbours": )") + bad + "}");
    e = error_of([&] { find_default_model(roots); });
    CHECK(e.rfind(l.env + "/models/default.json: ", 0) == 0);
    CHECK(e.find("check_neighbours") != std::string::npos);
  }
  write_text_file(l.env + "/models/default.json", R"({"model": "mine", "gears": null, "check_neighbours": 5})");
  CHECK(error_of([&] { find_default_model(roots); }).find("needs a gear set") != std::string::npos);
}

TEST_CASE("the shipped default.json names a shipped model and gear set", "[shipped]") {
  const DefaultModel d = find_default_model({{test::source_dir() + "/data", test::source_dir() + "/configs"}});
  CHECK(fs::exists(d.model_dir + "/model.json"));
  CHECK((d.gears_dir.empty() || fs::exists(d.gears_dir + "/gears.json")));
}

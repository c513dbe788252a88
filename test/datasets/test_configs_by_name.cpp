#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

#include "gearnn/common/errors.h"
#include "gearnn/datasets/distort.h"
#include "gearnn/datasets/ladder.h"
#include "test_support.h"

using namespace gearnn;
namespace fs = std::filesystem;

// `--ladder qp` and `--schedule sample-dynamic` name the shipped configs; here
// they are found through $GEARNN_DATA_DIR (a copy of the source configs/).
TEST_CASE("ladders and schedules by name: the shipped configs", "[ladder][shipped]") {
  const std::string root = test::scratch_dir("configs-by-name");
  fs::copy(test::source_dir() + "/configs", root + "/configs", fs::copy_options::recursive);
  const char* old = std::getenv("GEARNN_DATA_DIR");
  const std::string saved = old ? old : "";
  setenv("GEARNN_DATA_DIR", root.c_str(), 1);

  const Ladder qp = load_ladder("qp");
  CHECK(qp.name == "qp");
  CHECK(qp.feature == "qp");
  CHECK(qp.levels.size() == 10);
  CHECK(load_ladder("brightness.json").feature == load_ladder(root + "/configs/ladders/brightness.json").feature);
  CHECK(load_schedule("sample-dynamic").size() == 4);
  std::string error;
  try {
    load_ladder("sample-dynamic");  // a schedule, not a ladder
  } catch (const Error& e) {
    error = e.what();
  }
  CHECK(error.rfind("sample-dynamic: ", 0) == 0);
  CHECK(error.find(root + "/configs/ladders/sample-dynamic.json") != std::string::npos);

  if (old)
    setenv("GEARNN_DATA_DIR", saved.c_str(), 1);
  else
    unsetenv("GEARNN_DATA_DIR");
}

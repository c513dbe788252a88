#pragma once
// The models, gear sets and configs shipped with gearnn, found by name so that
// `--model street --gears qp --ladder qp` works from an install, a build tree
// or $GEARNN_DATA_DIR, whatever the current directory.
#include <string>
#include <vector>

namespace gearnn {

// One place shipped data may live.
struct DataRoot {
  std::string dir;          // holds models/ and samples/
  std::string configs_dir;  // holds ladders/ and schedules/
};

// The places to search, in order: $GEARNN_DATA_DIR (if set and not empty);
// <exe dir>/../share/gearnn (installed); <exe dir>/../data (the build tree
// build/gearnn beside the source data/, whose configs/ sit beside data/).
// Places that do not exist are listed all the same: errors name them.
std::vector<DataRoot> shipped_data_roots(const std::string& exe_path, const char* data_dir_env);
// As above for the running executable (/proc/self/exe) and the environment.
std::vector<DataRoot> shipped_data_roots();

// A model argument: an existing directory as given, else a bare name (no '/')
// looked up as ROOT/models/NAME. Other missing paths come back unchanged for
// load_model_card to report; an unknown name fails naming the places searched.
std::string find_model_dir(const std::string& arg, const std::vector<DataRoot>& roots = shipped_data_roots());

// A gear-set argument: an existing directory as given, else a bare name looked
// up in MODEL_DIR/gears/ (when a model is given), else MODEL/SET looked up as
// ROOT/models/MODEL/gears/SET (for commands without a model, like probe).
std::string find_gear_set_dir(const std::string& arg, const std::string& model_dir,
                              const std::vector<DataRoot>& roots = shipped_data_roots());

// The shipped default configuration, models/default.json in the first data
// root that has one: {"model": DIR, "gears": DIR or null, "check_neighbours":
// N (optional, 0..1000)}, paths relative to the file. `gearnn run` uses it
// when no --model is given.
struct DefaultModel {
  std::string model_dir, gears_dir;  // gears_dir empty: none
  int check_neighbours = 0;          // run's --check-neighbours unless given (0: off)
  std::string file;                  // the default.json read
};
DefaultModel find_default_model(const std::vector<DataRoot>& roots = shipped_data_roots());

// A config file argument of a KIND ("ladders", "schedules"): an existing file
// as given, else a bare name looked up as ROOT-configs/KIND/NAME or NAME.json.
std::string find_config_file(const std::string& arg, const std::string& kind,
                             const std::vector<DataRoot>& roots = shipped_data_roots());

}  // namespace gearnn

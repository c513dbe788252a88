#pragma once
// OUT/failures.jsonl, shared by shards that may run at once: every change
// happens under an exclusive lock on OUT/.failures.lock.
#include <set>
#include <string>

#include "gearnn/common/json_io.h"

namespace gearnn {

class FailureLog {
 public:
  explicit FailureLog(const std::string& out_dir);

  // Drops earlier records of the items this run is about to retry.
  void forget(const std::set<std::string>& ids);
  void append(const json& record);

 private:
  std::string path_, lock_path_;
};

}  // namespace gearnn

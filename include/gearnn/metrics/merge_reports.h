#pragma once
// `gearnn merge`: one report from many runs (batch directories, shards of one
// batch, or single run directories). Metrics come from the summed confusion
// matrices; the mean of per-item mIoUs is reported beside them, labelled.
// Agreement blocks (runs with --reference) are summed the same way into their
// own block, never mixed with the metrics.
#include <string>
#include <vector>

#include "gearnn/common/json_io.h"

namespace gearnn {

// Each path is a run directory (has report.json; its id is the directory name)
// or a batch directory (has <id>/report.json and maybe failures.jsonl).
// Items are sorted by id, so the result does not depend on the order of paths
// or on how the items were sharded. Throws Error for a path with no reports,
// an id found twice, unreadable reports, or reports with different classes.
json merge_reports(const std::vector<std::string>& paths);

}  // namespace gearnn

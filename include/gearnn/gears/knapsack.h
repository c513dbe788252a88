#pragma once
// Exact 0/1 knapsack for choosing gear tensors: maximise total sensitivity
// subject to the gear's memory budget.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace gearnn {

struct KnapsackItem {
  int64_t cost;  // bytes (or elements) of the tensor
  double value;  // its sensitivity score
};

struct KnapsackResult {
  std::vector<size_t> chosen;  // indices into the items, ascending
  int64_t cost = 0;
  double value = 0;
};

// The largest budget / granularity the exact search takes (its table is that long).
constexpr int64_t max_knapsack_units = 50'000'000;

// Dynamic programming over cost in units of `granularity` (costs are divided by
// it, rounding up, so the budget is never exceeded). Exact when every cost is a
// multiple of the granularity (tensor byte counts are multiples of 4).
// Items with cost 0 or value <= 0 are never chosen. Throws std::invalid_argument
// when budget / granularity exceeds max_knapsack_units.
KnapsackResult solve_knapsack(const std::vector<KnapsackItem>& items, int64_t budget, int64_t granularity = 1);

// Tries every subset; for tests on small instances.
KnapsackResult brute_force_knapsack(const std::vector<KnapsackItem>& items, int64_t budget);

}  // namespace gearnn

#include "gearnn/gears/knapsack.h"

#include <algorithm>
#include <stdexcept>

namespace gearnn {

KnapsackResult solve_knapsack(const std::vector<KnapsackItem>& items, int64_t budget, int64_t granularity) {
  if (granularity < 1) throw std::invalid_argument("knapsack granularity must be >= 1");
  KnapsackResult result;
  if (budget <= 0) return result;
  const int64_t cap = budget / granularity;
  if (cap > max_knapsack_units) throw std::invalid_argument("knapsack budget too large for the exact search");
  const size_t n = items.size();
  std::vector<int64_t> units(n);
  for (size_t i = 0; i < n; ++i) units[i] = (items[i].cost + granularity - 1) / granularity;
  // best[c] = best value with total units <= c; take[i][c] records decisions.
  std::vector<double> best(static_cast<size_t>(cap) + 1, 0.0);
  std::vector<std::vector<bool>> take(n);
  for (size_t i = 0; i < n; ++i) {
    take[i].assign(static_cast<size_t>(cap) + 1, false);
    if (items[i].cost <= 0 || items[i].value <= 0 || units[i] > cap) continue;
    for (int64_t c = cap; c >= units[i]; --c) {
      const double with = best[c - units[i]] + items[i].value;
      if (with > best[c]) {
        best[c] = with;
        take[i][c] = true;
      }
    }
  }
  int64_t c = cap;
  for (size_t i = n; i-- > 0;) {
    if (take[i][c]) {
      result.chosen.push_back(i);
      result.cost += items[i].cost;
      result.value += items[i].value;
      c -= units[i];
    }
  }
  std::reverse(result.chosen.begin(), result.chosen.end());
  return result;
}

KnapsackResult brute_force_knapsack(const std::vector<KnapsackItem>& items, int64_t budget) {
  if (items.size() > 24) throw std::invalid_argument("brute force is for small instances");
  KnapsackResult best;
  for (uint32_t mask = 0; mask < (1u << items.size()); ++mask) {
    KnapsackResult r;
    for (size_t i = 0; i < items.size(); ++i)
      if (mask >> i & 1) {
        r.chosen.push_back(i);
        r.cost += items[i].cost;
        r.value += items[i].value;
      }
    if (r.cost <= budget && r.value > best.value) best = r;
  }
  return best;
}

}  // namespace gearnn

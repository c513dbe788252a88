#include <catch2/catch.hpp>
#include <random>

#include "gearnn/gears/knapsack.h"

using namespace gearnn;

TEST_CASE("knapsack equals brute force on random small instances", "[select]") {
  std::mt19937 rng(9);
  for (int trial = 0; trial < 300; ++trial) {
    const size_t n = 1 + rng() % 14;
    std::vector<KnapsackItem> items;
    int64_t total = 0;
    for (size_t i = 0; i < n; ++i) {
      // Tensor-like costs: multiples of 4 bytes.
      const int64_t cost = 4 * (1 + static_cast<int64_t>(rng() % 60));
      items.push_back({cost, (rng() % 1000) / 37.0});
      total += cost;
    }
    const int64_t budget = static_cast<int64_t>(rng() % (total + 1));
    const KnapsackResult dp = solve_knapsack(items, budget, 4);
    const KnapsackResult bf = brute_force_knapsack(items, budget);
    INFO("trial " << trial << " n " << n << " budget " << budget);
    CHECK(dp.value == Approx(bf.value).epsilon(1e-12));
    CHECK(dp.cost <= budget);
    double v = 0;
    int64_t c = 0;
    for (size_t i : dp.chosen) v += items[i].value, c += items[i].cost;
    CHECK(v == Approx(dp.value));
    CHECK(c == dp.cost);
  }
}

TEST_CASE("knapsack prefers value density where greedy by value fails", "[select]") {
  // Greedy by value takes the 60-byte item (value 10); the optimum is the two 30s (6 + 6).
  const std::vector<KnapsackItem> items = {{60, 10}, {30, 6}, {30, 6}};
  const KnapsackResult r = solve_knapsack(items, 60);
  CHECK(r.value == Approx(12));
  CHECK(r.chosen == std::vector<size_t>{1, 2});
  CHECK(solve_knapsack(items, 0).chosen.empty());
}

#include <catch2/catch.hpp>
#include <string>

#include "gearnn/quality/qp_normalizer.h"

using gearnn::QpNormalizer;

namespace {

// Raw QP of an x264-like stream at level `p`: I = p - 3, B = p + 2.
double raw_qp(char type, double p) { return type == 'I' ? p - 3 : type == 'B' ? p + 2 : p; }

}  // namespace

TEST_CASE("QP normaliser learns per-type offsets and follows level switches at I frames", "[qp]") {
  QpNormalizer levels;
  const std::string gop = "IBBPBBPBBPBBPBB";  // presentation order, closed GOPs
  std::vector<double> out;
  for (int g = 0; g < 8; ++g) {
    const double p = g < 4 ? 30 : 42;  // the level changes at the fifth GOP's I frame
    for (char type : gop) out.push_back(levels.normalize(type, raw_qp(type, p)));
  }
  CHECK(levels.offset('I') == Approx(-3));
  CHECK(levels.offset('B') == Approx(2));
  CHECK(levels.offset('P') == 0);
  // From the first P frame on, every frame reads its level, switch included.
  for (size_t i = 3; i < out.size(); ++i) {
    INFO("frame " << i << " (" << gop[i % gop.size()] << ")");
    const double p = i < 4 * gop.size() ? 30 : 42;
    if (i < gop.size()) continue;  // the first I frame has no offset yet
    CHECK(out[i] == Approx(p));
  }
  // Unknown types and frames before any offset keep their raw QP.
  QpNormalizer fresh;
  CHECK(fresh.normalize('I', 27) == 27);
  CHECK(fresh.normalize('B', 33) == 33);
  CHECK(fresh.normalize('?', 40) == 40);
}

TEST_CASE("QP normaliser: one outlier does not move the offset", "[qp]") {
  QpNormalizer levels;
  for (int i = 0; i < 10; ++i) {
    levels.normalize('P', 30);
    levels.normalize('B', 32);
  }
  levels.normalize('P', 30);
  levels.normalize('B', 50);  // e.g. a B frame across a switch
  CHECK(levels.offset('B') == Approx(2));
  // A stream whose types all share the QP (gearnn distort) learns no offset.
  QpNormalizer flat;
  for (char type : std::string("IPBBPBBPBBIPBBPBB")) CHECK(flat.normalize(type, 38) == 38);
}

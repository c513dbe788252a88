#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "gearnn/quality/qp_normalizer.h"

using gearnn::QpNormalizer;

namespace {

// Raw QP of an x264-like stream at level `p` (presentation order IBBBP...):
// I = p - 3, the middle (reference) B of three p + 1, the others p + 2.
double raw_qp(const std::string& gop, size_t i, double p) {
  const char type = gop[i];
  if (type == 'I') return p - 3;
  if (type == 'B') return (i % 4 == 2) ? p + 1 : p + 2;
  return p;
}

}  // namespace

TEST_CASE("QP normaliser reads the P-frame level on every frame type, switches included", "[qp]") {
  QpNormalizer levels;
  const std::string gop = "IBBBPBBBPBBBPBBBP";
  std::vector<double> out, truth;
  for (int g = 0; g < 8; ++g) {
    const double p = g < 4 ? 30 : 42;  // the level changes at the fifth GOP's I frame
    for (size_t i = 0; i < gop.size(); ++i) {
      out.push_back(levels.normalize(gop[i], raw_qp(gop, i, p)));
      truth.push_back(p);
    }
  }
  CHECK(levels.intra_offset() == Approx(-3));
  // From the second GOP on (once the I offset is known) every frame reads its level.
  for (size_t i = gop.size(); i < out.size(); ++i) {
    INFO("frame " << i << " (" << gop[i % gop.size()] << ")");
    CHECK(out[i] == Approx(truth[i]));
  }
  // In the first GOP, B frames after the I frame read its (raw) level until the first P.
  CHECK(out[1] == Approx(27));
  CHECK(out[4] == Approx(30));
  CHECK(out[5] == Approx(30));
}

TEST_CASE("QP normaliser: raw values before any reference, and outliers do not move the I offset", "[qp]") {
  QpNormalizer fresh;
  CHECK(fresh.normalize('B', 33) == 33);
  CHECK(fresh.normalize('?', 40) == 40);
  CHECK(fresh.normalize('I', 27) == 27);
  QpNormalizer levels;
  for (int i = 0; i < 6; ++i) {
    levels.normalize('I', 27);
    levels.normalize('P', 30);
  }
  levels.normalize('I', 27);
  levels.normalize('P', 44);  // a switch right after an I frame: one outlier sample
  CHECK(levels.intra_offset() == Approx(-3));
  // A stream whose types all share the QP (gearnn distort) learns no offset.
  QpNormalizer flat;
  for (char type : std::string("IPBBPBBPBBIPBBPBB")) CHECK(flat.normalize(type, 38) == 38);
}

#pragma once
// A first pass over a tensor file's pickle, before LibTorch 1.13's unpickler
// reads it: that unpickler trusts lengths and memo indices from the bytes
// (a 4-byte string length made it reserve 4 GB; a memo index, 2 x index
// values), so gearnn checks them first.
#include <cstddef>
#include <cstdint>
#include <string>

namespace gearnn {

// Walks the opcodes up to STOP: every argument, and every length-prefixed
// string or byte run, must fit in the bytes left, and every memo index must
// be one already stored or the next. Returns the first problem, or "".
std::string pickle_problem(const uint8_t* data, size_t size);

}  // namespace gearnn

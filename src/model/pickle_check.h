#pragma once
// A first pass over a tensor file's pickle, before LibTorch 1.13's unpickler
// reads it: that unpickler trusts lengths, memo indices and the stack from
// the bytes (a 4-byte string length made it reserve 4 GB; TUPLE3 on a stack
// of one value was a SEGV), so gearnn checks them first.
#include <cstddef>
#include <cstdint>
#include <string>

namespace gearnn {

// Walks the opcodes up to STOP: every argument, and every length-prefixed
// string or byte run, must fit in the bytes left; every memo index must be
// one already stored or the next; every opcode must find the values and the
// mark it pops (within the last mark, as Python's pickle keeps them).
// Returns the first problem, or "". Opcodes LibTorch does not know end the
// walk: it refuses them itself.
std::string pickle_problem(const uint8_t* data, size_t size);

}  // namespace gearnn

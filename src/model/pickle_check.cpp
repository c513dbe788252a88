#include "pickle_check.h"

#include <cstdio>
#include <cstring>

namespace gearnn {

namespace {

uint64_t little_endian(const uint8_t* p, size_t bytes) {
  uint64_t v = 0;
  for (size_t i = bytes; i-- > 0;) v = v << 8 | p[i];
  return v;
}

// What follows an opcode (pickle protocols 0 to 5).
struct Argument {
  size_t fixed = 0;       // bytes of a fixed-size argument
  size_t length = 0;      // bytes of a length prefix, then that many bytes
  int lines = 0;          // newline-terminated text arguments
};

Argument argument_of(uint8_t op) {
  switch (op) {
    case 'K': case 'h': case 'q': case 0x80: case 0x82:  // BININT1 BINGET BINPUT PROTO EXT1
      return {1, 0, 0};
    case 'M': case 0x83:  // BININT2 EXT2
      return {2, 0, 0};
    case 'J': case 'j': case 'r': case 0x84:  // BININT LONG_BINGET LONG_BINPUT EXT4
      return {4, 0, 0};
    case 'G': case 0x95:  // BINFLOAT FRAME
      return {8, 0, 0};
    case 'U': case 'C': case 0x8c: case 0x8a:  // SHORT_BINSTRING SHORT_BINBYTES SHORT_BINUNICODE LONG1
      return {0, 1, 0};
    case 'T': case 'X': case 'B': case 0x8b:  // BINSTRING BINUNICODE BINBYTES LONG4
      return {0, 4, 0};
    case 0x8d: case 0x8e: case 0x96:  // BINUNICODE8 BINBYTES8 BYTEARRAY8
      return {0, 8, 0};
    case 'F': case 'I': case 'L': case 'P': case 'S': case 'V': case 'g': case 'p':  // text: FLOAT INT LONG...
      return {0, 0, 1};
    case 'c': case 'i':  // GLOBAL INST: module and name lines
      return {0, 0, 2};
    default:  // no argument, or an opcode the unpickler refuses itself
      return {};
  }
}

}  // namespace

std::string pickle_problem(const uint8_t* data, size_t size) {
  uint64_t stored = 0;  // memo entries so far: LibTorch appends one per PUT, whatever its index
  size_t at = 0;
  while (at < size) {
    const size_t op_at = at;
    const uint8_t op = data[at++];
    auto problem = [&](const std::string& what) {
      char name[8];
      std::snprintf(name, sizeof name, "0x%02x", op);
      return "pickle opcode " + std::string(name) + " at byte " + std::to_string(op_at) + ": " + what;
    };
    if (op == '.') return "";  // STOP
    const Argument arg = argument_of(op);
    if (arg.fixed + arg.length > size - at) return problem("argument past the end");
    if (arg.length) {
      const uint64_t n = little_endian(data + at, arg.length);
      at += arg.length;
      if (n > size - at)
        return problem("declares " + std::to_string(n) + " bytes, " + std::to_string(size - at) + " are left");
      at += n;
    }
    if (arg.fixed) {
      const uint64_t index = little_endian(data + at, arg.fixed);
      if ((op == 'q' || op == 'r') && index > stored)
        return problem("memo index " + std::to_string(index) + " skips past the " + std::to_string(stored) +
                       " entries stored");
      if ((op == 'h' || op == 'j') && index >= stored)
        return problem("memo index " + std::to_string(index) + " was never stored");
      at += arg.fixed;
    }
    if (op == 'q' || op == 'r' || op == 'p' || op == 0x94) ++stored;  // the PUTs and MEMOIZE
    for (int i = 0; i < arg.lines; ++i) {
      const void* end = std::memchr(data + at, '\n', size - at);
      if (!end) return problem("text argument without its newline");
      at = static_cast<size_t>(static_cast<const uint8_t*>(end) - data) + 1;
    }
  }
  return "no STOP opcode";
}

}  // namespace gearnn

#include "pickle_check.h"

#include <cstdio>
#include <cstring>
#include <vector>

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

// What an opcode does to the unpickler's stack: it needs `pops` values above
// the last mark, leaves `pushes`; `to_mark` ops first pop down to the last
// mark (`pairs`: in key/value pairs; `container`: onto the list or dict
// below the mark).
struct StackEffect {
  int pops = 0, pushes = 0;
  bool to_mark = false, pairs = false, container = false, known = true;
};

StackEffect effect_of(uint8_t op) {
  switch (op) {
    case '(':  // MARK
    case 0x80: case 0x95:  // PROTO FRAME
      return {0, 0};
    case 'N': case 0x88: case 0x89: case 'K': case 'M': case 'J': case 'I': case 'L': case 0x8a: case 0x8b:
    case 'F': case 'G': case 'S': case 'T': case 'U': case 'V': case 'X': case 'B': case 'C': case 0x8c:
    case 0x8d: case 0x8e: case 0x96: case ']': case '}': case ')': case 0x8f: case 'c': case 'g': case 'h':
    case 'j': case 0x82: case 0x83: case 0x84: case 'P':  // values, empty containers, GLOBAL, the GETs
      return {0, 1};
    case '2':  // DUP
      return {1, 2};
    case '0':  // POP
      return {1, 0};
    case 'p': case 'q': case 'r': case 0x94: case 'Q': case 0x85:  // PUTs, MEMOIZE, BINPERSID, TUPLE1
      return {1, 1};
    case 'R': case 'b': case 0x81: case 0x93: case 'a': case 0x86:  // REDUCE BUILD NEWOBJ STACK_GLOBAL APPEND TUPLE2
      return {2, 1};
    case 's': case 0x87: case 0x92:  // SETITEM TUPLE3 NEWOBJ_EX
      return {3, 1};
    case 't': case 'l': case 0x91: case 'o': case 'i':  // TUPLE LIST FROZENSET OBJ INST
      return {0, 1, true};
    case 'd':  // DICT
      return {0, 1, true, true};
    case '1':  // POP_MARK
      return {0, 0, true};
    case 'e': case 0x90:  // APPENDS ADDITEMS
      return {0, 0, true, false, true};
    case 'u':  // SETITEMS
      return {0, 0, true, true, true};
    default:
      return {0, 0, false, false, false, false};
  }
}

}  // namespace

std::string pickle_problem(const uint8_t* data, size_t size) {
  uint64_t stored = 0;  // memo entries so far: LibTorch appends one per PUT, whatever its index
  size_t depth = 0;     // values on the unpickler's stack
  std::vector<size_t> marks;  // the stack depth at each open MARK
  size_t at = 0;
  while (at < size) {
    const size_t op_at = at;
    const uint8_t op = data[at++];
    auto problem = [&](const std::string& what) {
      char name[8];
      std::snprintf(name, sizeof name, "0x%02x", op);
      return "pickle opcode " + std::string(name) + " at byte " + std::to_string(op_at) + ": " + what;
    };
    // LibTorch pops without looking: too few values, or a missing mark, was a SEGV.
    const size_t floor = marks.empty() ? 0 : marks.back();
    if (op == '.') return depth > floor ? "" : problem("stops with nothing on the stack");  // STOP
    const StackEffect e = effect_of(op);
    if (!e.known) return "";  // LibTorch refuses an opcode it does not know
    if (op == '(') {
      marks.push_back(depth);
    } else if (e.to_mark) {
      if (marks.empty()) return problem("pops to a mark, and no mark is open");
      const size_t mark = marks.back();
      marks.pop_back();
      if (e.pairs && (depth - mark) % 2 != 0) return problem("an odd number of values for key/value pairs");
      if (e.container && mark <= (marks.empty() ? 0 : marks.back()))
        return problem("no list or dict below the mark");
      depth = mark + static_cast<size_t>(e.pushes);
    } else {
      if (depth - floor < static_cast<size_t>(e.pops))
        return problem("needs " + std::to_string(e.pops) + " values on the stack, " + std::to_string(depth - floor) +
                       " are there");
      depth = depth - static_cast<size_t>(e.pops) + static_cast<size_t>(e.pushes);
    }
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

#pragma once
// A tensor file's bytes as LibTorch's zip reader reads them. LibTorch's own
// MemoryReadAdapter copies from any offset it is asked for, and miniz asks for
// offsets taken from the file's zip directory, which a crafted file sets
// anywhere (fuzzing found a read before the buffer): this one copies only
// what lies inside the bytes, and a short read fails the archive.
#include <caffe2/serialize/read_adapter_interface.h>

#include <algorithm>
#include <cstring>

namespace gearnn {

class MemoryReader final : public caffe2::serialize::ReadAdapterInterface {
 public:
  MemoryReader(const void* data, size_t size) : data_(static_cast<const char*>(data)), size_(size) {}
  size_t size() const override { return size_; }
  size_t read(uint64_t pos, void* buf, size_t n, const char* /*what*/) const override {
    if (pos >= size_) return 0;
    n = static_cast<size_t>(std::min<uint64_t>(n, size_ - pos));
    std::memcpy(buf, data_ + pos, n);
    return n;
  }

 private:
  const char* data_;
  size_t size_;
};

}  // namespace gearnn
